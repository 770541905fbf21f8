//! RFC 6962 Merkle trees (RFC 9162 §2.1): hashing, the stored nodes, and proofs.
//!
//! A stored node is the hash of a complete, aligned subtree: node `(level, index)` covers leaves
//! `index·2^level .. (index+1)·2^level`. Appending a leaf completes its level-0 node and every
//! ancestor whose right half it finishes; those are persisted, so that any proof is read from
//! stored nodes instead of being recomputed from the leaves.

use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The hash of a leaf: SHA-256(0x00 ‖ data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an interior node: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// A complete, aligned subtree: 2^level leaves starting at leaf `index << level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    /// Height above the leaves.
    pub level: u8,
    /// Position among the nodes of that level.
    pub index: u64,
}

impl NodeId {
    /// Node `(level, index)`.
    pub const fn new(level: u8, index: u64) -> Self {
        Self { level, index }
    }
}

/// The complete subtrees that make up the leaf range `lo..hi`, left to right, each as large as
/// alignment allows. For `0..n` these are the tree's right edge ("frontier"), one per set bit of n.
pub fn range_nodes(mut lo: u64, hi: u64) -> Vec<NodeId> {
    let mut out = Vec::new();
    while lo < hi {
        let mut level = if lo == 0 { 63 } else { lo.trailing_zeros() as u8 };
        while level > 0 && (1u64 << level) > hi - lo {
            level -= 1;
        }
        out.push(NodeId::new(level, lo >> level));
        lo += 1u64 << level;
    }
    out
}

/// The hash of the range `lo..hi` from the hashes of [`range_nodes`]`(lo, hi)` in order. Valid for
/// the ranges RFC 6962's recursion produces (`lo` a multiple of a power of two ≥ `hi − lo`),
/// where the pieces shrink strictly from left to right.
pub fn fold_range(hashes: &[Hash]) -> Option<Hash> {
    let (last, rest) = hashes.split_last()?;
    Some(rest.iter().rev().fold(*last, |acc, h| node_hash(h, &acc)))
}

/// Which stored nodes a tree of `size` leaves needs to be extended: its frontier.
pub fn frontier(size: u64) -> Vec<NodeId> {
    range_nodes(0, size)
}

/// The nodes completed by appending `leaves` (leaf hashes) to a tree of `size` leaves whose
/// frontier hashes are given. Returns every new node, level 0 included, in the order completed.
pub fn append(
    size: u64,
    frontier: &[(NodeId, Hash)],
    leaves: &[Hash],
) -> Result<Vec<(NodeId, Hash)>, MissingNode> {
    let mut known: HashMap<NodeId, Hash> = frontier.iter().copied().collect();
    let mut out = Vec::with_capacity(leaves.len() * 2);
    for (i, leaf) in leaves.iter().enumerate() {
        let mut id = NodeId::new(0, size + i as u64);
        let mut h = *leaf;
        known.insert(id, h);
        out.push((id, h));
        while id.index % 2 == 1 {
            let left = known
                .get(&NodeId::new(id.level, id.index - 1))
                .ok_or(MissingNode(NodeId::new(id.level, id.index - 1)))?;
            h = node_hash(left, &h);
            id = NodeId::new(id.level + 1, id.index / 2);
            known.insert(id, h);
            out.push((id, h));
        }
    }
    Ok(out)
}

/// A node needed for a computation was not supplied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("node {0:?} is missing")]
pub struct MissingNode(pub NodeId);

/// The tree hash of the first `size` leaves from the hashes of its [`frontier`].
pub fn root_from_frontier(frontier: &[Hash]) -> Hash {
    fold_range(frontier).unwrap_or_else(empty_root)
}

/// The largest power of two strictly smaller than n (n ≥ 2).
fn split(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The subtree ranges whose hashes form the inclusion proof of leaf `index` in a tree of `size`
/// leaves (RFC 6962 §2.1.1, PATH), in proof order.
pub fn inclusion_ranges(index: u64, size: u64) -> Vec<(u64, u64)> {
    fn path(m: u64, lo: u64, hi: u64, out: &mut Vec<(u64, u64)>) {
        let n = hi - lo;
        if n <= 1 {
            return;
        }
        let k = split(n);
        if m < k {
            path(m, lo, lo + k, out);
            out.push((lo + k, hi));
        } else {
            path(m - k, lo + k, hi, out);
            out.push((lo, lo + k));
        }
    }
    let mut out = Vec::new();
    if index < size {
        path(index, 0, size, &mut out);
    }
    out
}

/// The subtree ranges whose hashes form the consistency proof between tree sizes `old` and
/// `new` (RFC 6962 §2.1.2, SUBPROOF), in proof order. Empty when `old` is 0 or equals `new`.
pub fn consistency_ranges(old: u64, new: u64) -> Vec<(u64, u64)> {
    fn subproof(m: u64, lo: u64, hi: u64, complete: bool, out: &mut Vec<(u64, u64)>) {
        let n = hi - lo;
        if m == n {
            if !complete {
                out.push((lo, hi));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            subproof(m, lo, lo + k, complete, out);
            out.push((lo + k, hi));
        } else {
            subproof(m - k, lo + k, hi, false, out);
            out.push((lo, lo + k));
        }
    }
    let mut out = Vec::new();
    if old > 0 && old < new {
        subproof(old, 0, new, true, &mut out);
    }
    out
}

/// Every stored node a list of ranges needs, deduplicated, for one read from the store.
pub fn nodes_for(ranges: &[(u64, u64)]) -> Vec<NodeId> {
    let mut ids: Vec<NodeId> = ranges.iter().flat_map(|&(lo, hi)| range_nodes(lo, hi)).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The hashes of `ranges` from stored nodes.
pub fn hash_ranges(ranges: &[(u64, u64)], nodes: &HashMap<NodeId, Hash>) -> Result<Vec<Hash>, MissingNode> {
    ranges
        .iter()
        .map(|&(lo, hi)| {
            let hashes = range_nodes(lo, hi)
                .into_iter()
                .map(|id| nodes.get(&id).copied().ok_or(MissingNode(id)))
                .collect::<Result<Vec<_>, _>>()?;
            fold_range(&hashes).ok_or(MissingNode(NodeId::new(0, lo)))
        })
        .collect()
}

/// Why a proof does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The index or sizes are out of range.
    #[error("index or size out of range")]
    OutOfRange,
    /// The proof has the wrong number of hashes.
    #[error("proof has the wrong length")]
    WrongLength,
    /// The recomputed root differs.
    #[error("root mismatch")]
    RootMismatch,
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::OutOfRange);
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode % 2 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode % 2 == 0 {
                while fnode % 2 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if &r == root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// Verifies a consistency proof (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old > new {
        return Err(ProofError::OutOfRange);
    }
    if old == new {
        return if proof.is_empty() && old_root == new_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    if old == 0 {
        return if proof.is_empty() {
            Ok(())
        } else {
            Err(ProofError::WrongLength)
        };
    }
    if proof.is_empty() {
        return Err(ProofError::WrongLength);
    }
    let mut path: Vec<Hash> = proof.to_vec();
    if old.is_power_of_two() {
        path.insert(0, *old_root);
    }
    let (mut fnode, mut snode) = (old - 1, new - 1);
    while fnode % 2 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode % 2 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode % 2 == 0 {
                while fnode % 2 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if &fr == old_root && &sr == new_root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// The root of a list of leaf hashes, computed directly (for verifiers and tests).
pub fn root_of(leaves: &[Hash]) -> Hash {
    let mut frontier_hashes: HashMap<NodeId, Hash> = HashMap::new();
    for (i, l) in leaves.iter().enumerate() {
        let size = i as u64;
        let f: Vec<(NodeId, Hash)> = frontier(size)
            .into_iter()
            .filter_map(|id| frontier_hashes.get(&id).map(|h| (id, *h)))
            .collect();
        if let Ok(new) = append(size, &f, std::slice::from_ref(l)) {
            frontier_hashes.extend(new);
        }
    }
    let f: Vec<Hash> = frontier(leaves.len() as u64)
        .iter()
        .filter_map(|id| frontier_hashes.get(id).copied())
        .collect();
    root_from_frontier(&f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(h: &Hash) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(s: &str) -> Hash {
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex");
        }
        out
    }

    /// The eight leaves of the RFC 6962 reference test tree (certificate-transparency tests).
    fn rfc_leaves() -> Vec<Hash> {
        let inputs: [&[u8]; 8] = [
            b"",
            &[0x00],
            &[0x10],
            &[0x20, 0x21],
            &[0x30, 0x31],
            &[0x40, 0x41, 0x42, 0x43],
            &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            &[
                0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e,
                0x6f,
            ],
        ];
        inputs.iter().map(|d| leaf_hash(d)).collect()
    }

    /// A store of every node of the RFC tree, built by [`append`] one leaf at a time.
    fn stored(leaves: &[Hash]) -> HashMap<NodeId, Hash> {
        let mut nodes = HashMap::new();
        for (i, l) in leaves.iter().enumerate() {
            let f: Vec<(NodeId, Hash)> = frontier(i as u64)
                .into_iter()
                .map(|id| (id, nodes[&id]))
                .collect();
            for (id, h) in append(i as u64, &f, std::slice::from_ref(l)).expect("append") {
                nodes.insert(id, h);
            }
        }
        nodes
    }

    fn root(nodes: &HashMap<NodeId, Hash>, size: u64) -> Hash {
        let f: Vec<Hash> = frontier(size).iter().map(|id| nodes[id]).collect();
        root_from_frontier(&f)
    }

    #[test]
    fn rfc6962_roots() {
        let expected = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let leaves = rfc_leaves();
        let nodes = stored(&leaves);
        for (i, e) in expected.iter().enumerate() {
            assert_eq!(hex(&root(&nodes, i as u64 + 1)), *e, "size {}", i + 1);
            assert_eq!(hex(&root_of(&leaves[..=i])), *e);
        }
        assert_eq!(
            hex(&empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn rfc6962_inclusion_proofs() {
        let cases: [(u64, u64, &[&str]); 4] = [
            (
                0,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                5,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                3,
                &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
            ),
            (
                1,
                5,
                &[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        let leaves = rfc_leaves();
        let nodes = stored(&leaves);
        for (index, size, expected) in cases {
            let proof = hash_ranges(&inclusion_ranges(index, size), &nodes).expect("nodes");
            assert_eq!(
                proof.iter().map(hex).collect::<Vec<_>>(),
                expected,
                "leaf {index} of {size}"
            );
            let r = root(&nodes, size);
            verify_inclusion(index, size, &leaves[index as usize], &proof, &r).expect("verifies");
            let mut bad = proof.clone();
            bad[0][0] ^= 1;
            assert_eq!(
                verify_inclusion(index, size, &leaves[index as usize], &bad, &r),
                Err(ProofError::RootMismatch)
            );
        }
    }

    #[test]
    fn rfc6962_consistency_proofs() {
        let cases: [(u64, u64, &[&str]); 3] = [
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                6,
                8,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                5,
                &[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        let nodes = stored(&rfc_leaves());
        for (old, new, expected) in cases {
            let proof = hash_ranges(&consistency_ranges(old, new), &nodes).expect("nodes");
            assert_eq!(
                proof.iter().map(hex).collect::<Vec<_>>(),
                expected,
                "{old} -> {new}"
            );
            let (ro, rn) = (root(&nodes, old), root(&nodes, new));
            verify_consistency(old, new, &ro, &rn, &proof).expect("verifies");
            let mut bad = proof.clone();
            let last = bad.len() - 1;
            bad[last][31] ^= 0x80;
            assert!(verify_consistency(old, new, &ro, &rn, &bad).is_err());
        }
        assert_eq!(
            unhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
            root(&nodes, 8)
        );
    }

    proptest::proptest! {
        /// Every inclusion and consistency proof from stored nodes verifies, for any tree.
        #[test]
        fn proofs_verify_for_any_size(size in 1u64..300, a in 0u64..300, b in 0u64..300) {
            let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&i.to_be_bytes())).collect();
            let nodes = stored(&leaves);
            let index = a % size;
            let r = root(&nodes, size);
            let proof = hash_ranges(&inclusion_ranges(index, size), &nodes).expect("nodes");
            proptest::prop_assert!(verify_inclusion(index, size, &leaves[index as usize], &proof, &r).is_ok());
            let old = 1 + b % size;
            let proof = hash_ranges(&consistency_ranges(old, size), &nodes).expect("nodes");
            proptest::prop_assert!(verify_consistency(old, size, &root(&nodes, old), &r, &proof).is_ok());
            proptest::prop_assert_eq!(root_of(&leaves), r);
        }
    }
}
