//! Byte formats of the index, mirrored by the decoder in `search.js`.
//!
//! Postings are binary because a posting list of a word found in most articles is the largest
//! thing a query downloads: one byte of payload per document plus either delta-encoded varint
//! doc ids or, when denser, a bitmap over all documents (whichever is smaller).

/// Appends `v` as a LEB128 varint (7 bits per byte, high bit = more).
pub fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `*pos`, advancing it (tests and round trips).
pub fn read_varint(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut v: u32 = 0;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
        if shift > 28 {
            return None;
        }
    }
}

/// Encodes a sorted list of doc ids (`n_docs` documents in the index) with optional one-byte
/// payloads. Layout: `varint(count * 2 + mode)`, then mode 0: `count` varints of `id - prev - 1`
/// (prev starts at -1); mode 1: a bitmap of `ceil(n_docs / 8)` bytes, bit `i % 8` of byte
/// `i / 8` set for doc `i`. Then the `count` payload bytes, in doc order, if any.
pub fn encode_postings(docs: &[u32], payloads: Option<&[u8]>, n_docs: u32) -> Vec<u8> {
    encode_postings_measured(docs, payloads, n_docs).0
}

/// [`encode_postings`], with the length of the delta-coded form of `docs`, which it compares
/// with the bitmap length to choose: whether another document count can change the encoding
/// follows from it.
pub fn encode_postings_measured(
    docs: &[u32],
    payloads: Option<&[u8]>,
    n_docs: u32,
) -> (Vec<u8>, usize) {
    let mut gaps = Vec::with_capacity(docs.len() + 4);
    let mut prev: i64 = -1;
    for &d in docs {
        debug_assert!(i64::from(d) > prev, "doc ids must be strictly increasing");
        push_varint(&mut gaps, (i64::from(d) - prev - 1) as u32);
        prev = i64::from(d);
    }
    let bitmap_len = n_docs.div_ceil(8) as usize;
    let mut out = Vec::with_capacity(gaps.len().min(bitmap_len) + docs.len() + 5);
    if bitmap_len < gaps.len() {
        push_varint(&mut out, docs.len() as u32 * 2 + 1);
        let mut bitmap = vec![0u8; bitmap_len];
        for &d in docs {
            bitmap[d as usize / 8] |= 1 << (d % 8);
        }
        out.extend_from_slice(&bitmap);
    } else {
        push_varint(&mut out, docs.len() as u32 * 2);
        out.extend_from_slice(&gaps);
    }
    if let Some(p) = payloads {
        debug_assert_eq!(p.len(), docs.len());
        out.extend_from_slice(p);
    }
    (out, gaps.len())
}

/// Decodes what [`encode_postings`] wrote (tests; the browser has its own decoder).
pub fn decode_postings(bytes: &[u8], n_docs: u32, with_payloads: bool) -> Option<Vec<(u32, u8)>> {
    let mut pos = 0;
    let head = read_varint(bytes, &mut pos)?;
    let count = (head / 2) as usize;
    let mut ids = Vec::with_capacity(count);
    if head & 1 == 1 {
        let len = n_docs.div_ceil(8) as usize;
        let bitmap = bytes.get(pos..pos + len)?;
        for (i, b) in bitmap.iter().enumerate() {
            for bit in 0..8 {
                if b & (1 << bit) != 0 {
                    ids.push((i * 8 + bit) as u32);
                }
            }
        }
        pos += len;
    } else {
        let mut prev: i64 = -1;
        for _ in 0..count {
            let d = prev + 1 + i64::from(read_varint(bytes, &mut pos)?);
            ids.push(d as u32);
            prev = d;
        }
    }
    if ids.len() != count {
        return None;
    }
    let payloads = if with_payloads {
        bytes.get(pos..pos + count)?.to_vec()
    } else {
        vec![0; count]
    };
    Some(ids.into_iter().zip(payloads).collect())
}

/// Base-36 digits, the compact number notation of the text dictionary shards.
pub fn base36(mut v: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if v == 0 {
        return "0".into();
    }
    let mut out = Vec::new();
    while v > 0 {
        out.push(DIGITS[(v % 36) as usize]);
        v /= 36;
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

/// File-name form of a dictionary shard key: `[a-z0-9]` kept, anything else as `_<hex>_`,
/// so keys in any script give portable, case-safe file names (mirrored in `search.js`).
pub fn file_name(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}_", u32::from(c)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_round_trip() {
        let mut buf = Vec::new();
        for v in [0, 1, 127, 128, 300, 16_383, 16_384, u32::MAX >> 4] {
            buf.clear();
            push_varint(&mut buf, v);
            let mut pos = 0;
            assert_eq!(read_varint(&buf, &mut pos), Some(v));
            assert_eq!(pos, buf.len());
        }
    }

    #[test]
    fn sparse_lists_use_gaps_and_dense_lists_use_a_bitmap() {
        let sparse = [3u32, 900, 4000];
        let bytes = encode_postings(&sparse, Some(&[1, 2, 3]), 10_000);
        assert_eq!(bytes[0] & 1, 0);
        assert_eq!(
            decode_postings(&bytes, 10_000, true).unwrap(),
            vec![(3, 1), (900, 2), (4000, 3)]
        );
        let dense: Vec<u32> = (0..10_000).step_by(2).collect();
        let payloads = vec![7u8; dense.len()];
        let bytes = encode_postings(&dense, Some(&payloads), 10_000);
        assert_eq!(bytes[0] & 1, 1);
        assert_eq!(bytes.len(), 2 + 1250 + 5000);
        let back = decode_postings(&bytes, 10_000, true).unwrap();
        assert_eq!(back.len(), 5000);
        assert!(back.iter().zip(&dense).all(|(a, b)| a.0 == *b && a.1 == 7));
    }

    #[test]
    fn file_names_are_portable() {
        assert_eq!(file_name("ab"), "ab");
        assert_eq!(file_name("é"), "_e9_");
        assert_eq!(file_name("я1"), "_44f_1");
        assert_eq!(base36(0), "0");
        assert_eq!(base36(71), "1z");
    }
}
