//! 128-bit blake3 digests of values, for fingerprints that must not collide (std's hashers are
//! 64-bit and not meant for that) and keys kept on disk, which need a stable encoding.

use serde::Serialize;

/// The identity of this gazette: a digest of its whole source tree, embedded theme, lock file
/// and compiler, made by `build.rs`. Every disk cache carries it, so a cache is trusted only by
/// the gazette that wrote it.
pub const SOURCE: &str = env!("GAZETTE_SOURCE_DIGEST");

/// The digest of `value` in postcard's encoding, whose wire format is specified and stable
/// (little-endian varints, length-prefixed sequences), unlike the output of
/// `std::hash::Hash`, which no compiler promises to keep and which depends on the platform's
/// word size and byte order. Keys saved in the cache folder are made with it.
pub fn of<T: Serialize + ?Sized>(value: &T) -> u128 {
    let mut stream = Stream::default();
    // Encoding into memory fails only where serde refuses a value (a path that is not UTF-8,
    // a sequence of unknown length): digested types hold neither (paths are hashed as their
    // bytes), so a failure is a bug in gazette, not bad input. Fields marked `serde(skip)` are
    // not hashed: a digested type names every field it depends on.
    postcard::serialize_with_flavor(value, Feed(&mut stream))
        .expect("every digested type encodes with postcard");
    let hash = stream.finalize();
    u128::from_le_bytes(hash.as_bytes()[..16].try_into().expect("16 bytes"))
}

/// A postcard output that feeds a [`Stream`].
struct Feed<'a>(&'a mut Stream);

impl postcard::ser_flavors::Flavor for Feed<'_> {
    type Output = ();

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.update(&[data]);
        Ok(())
    }

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.update(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// A blake3 hash fed in pieces, like [`blake3::Hasher`], that gathers the pieces and hashes
/// them once at the end: the same hash, several times faster for the many small pieces of a
/// fingerprint (blake3's per-update cost is that of a 64-byte block).
pub struct Stream(Vec<u8>);

impl Default for Stream {
    /// A stream with room for the pieces of a typical article, so that it is not grown (and its
    /// pieces copied again) a handful of times per digest.
    fn default() -> Stream {
        Stream(Vec::with_capacity(4096))
    }
}

impl Stream {
    /// Adds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) -> &mut Stream {
        self.0.extend_from_slice(bytes);
        self
    }

    /// The blake3 hash of everything added.
    pub fn finalize(&self) -> blake3::Hash {
        blake3::hash(&self.0)
    }
}

#[cfg(test)]
mod tests {
    /// A stream hashes what blake3's own hasher does with the same pieces.
    #[test]
    fn a_stream_is_blake3_of_its_pieces() {
        let pieces: [&[u8]; 4] = [b"search doc\0", &[0; 70], b"", "Israël".as_bytes()];
        let mut stream = super::Stream::default();
        let mut hasher = blake3::Hasher::new();
        for p in pieces {
            stream.update(p);
            hasher.update(p);
        }
        assert_eq!(stream.finalize(), hasher.finalize());
    }

    #[test]
    fn equal_values_agree_and_others_differ() {
        assert_eq!(super::of(&("a", 1u8)), super::of(&("a", 1u8)));
        assert_ne!(super::of(&("a", 1u8)), super::of(&("a", 2u8)));
        // Strings are length-prefixed, so moving a character between them changes the digest.
        assert_ne!(super::of(&("ab", "c")), super::of(&("a", "bc")));
    }

    /// The digest is blake3 of postcard's specified encoding, the same on every platform and
    /// compiler: keys saved in the cache folder by one build of gazette mean the same to the
    /// next. Fails if the encoding changes.
    #[test]
    fn the_encoding_is_postcards_and_fixed() {
        let value = ("Israël", 300u32, vec![Some(1u64), None], -2i64);
        // "Israël" is 7 bytes; 300 is the varint ac 02; -2 zigzags to 3.
        let mut expected = vec![7];
        expected.extend_from_slice("Israël".as_bytes());
        expected.extend_from_slice(&[0xac, 0x02, 2, 1, 1, 0, 3]);
        let hash = blake3::hash(&expected);
        let want = u128::from_le_bytes(hash.as_bytes()[..16].try_into().unwrap());
        assert_eq!(super::of(&value), want);
    }
}
