//! Cutting a batch into chunks that run in lock-step: jobs grouped by layout geometry (password
//! length, salt length), each group cut to the kernel's widths.

use super::super::algorithm::Layouts;
use super::{Kernel, Md5CryptJob};

/// A unit of work: job indices sharing one geometry (at most `width` of them), or one job for
/// the scalar path (`width == 1`).
pub(super) struct Chunk {
    /// Indices into the batch's jobs.
    pub(super) indices: Vec<usize>,
    /// Lanes of the kernel step that runs the chunk: the kernel's wide or narrow width, or 1.
    pub(super) width: usize,
}

/// Groups jobs by (password length, salt length), then cuts each group into wide chunks, narrow
/// chunks for the rest, and scalar jobs where a chunk would hold a single lane or the geometry
/// does not fit the prepared layouts.
pub(super) fn plan(kernel: Kernel, jobs: &[Md5CryptJob<'_>]) -> Vec<Chunk> {
    let wide = kernel.lanes();
    let narrow = kernel.narrow_lanes();
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    let key = |i: &usize| {
        let job = &jobs[*i];
        (job.password.len(), job.salt.as_bytes().len())
    };
    order.sort_by_key(key);
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let group_key = key(&order[start]);
        let end = order[start..]
            .iter()
            .position(|i| key(i) != group_key)
            .map_or(order.len(), |n| start + n);
        let group = &order[start..end];
        let fits = Layouts::fit(group_key.0, group_key.1);
        let mut rest = group;
        if fits && wide > 1 {
            while rest.len() >= wide {
                let (head, tail) = rest.split_at(wide);
                chunks.push(Chunk {
                    indices: head.to_vec(),
                    width: wide,
                });
                rest = tail;
            }
            while rest.len() >= 2 {
                let (head, tail) = rest.split_at(rest.len().min(narrow));
                chunks.push(Chunk {
                    indices: head.to_vec(),
                    width: narrow,
                });
                rest = tail;
            }
        }
        chunks.extend(rest.iter().map(|&i| Chunk {
            indices: vec![i],
            width: 1,
        }));
        start = end;
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::super::super::{Md5Variant, Salt};
    use super::*;

    #[test]
    fn plan_groups_by_geometry_and_leaves_singletons_scalar() {
        let salt = Salt::new(b"abcdefgh").unwrap();
        let long = [b'x'; 200];
        let pw: Vec<Vec<u8>> = (0..30)
            .map(|i| vec![b'a'; if i < 27 { 8 } else { 9 }])
            .collect();
        let mut jobs: Vec<Md5CryptJob<'_>> = pw
            .iter()
            .map(|p| Md5CryptJob {
                variant: Md5Variant::Apr1,
                password: p,
                salt,
            })
            .collect();
        jobs.push(Md5CryptJob {
            variant: Md5Variant::Apr1,
            password: &long,
            salt,
        });
        let chunks = plan(Kernel::Avx2, &jobs);
        let widths: Vec<(usize, usize)> =
            chunks.iter().map(|c| (c.indices.len(), c.width)).collect();
        // 27 of length 8: one wide chunk of 24 and one narrow of 3; 3 of length 9: one narrow;
        // the 200-byte password: scalar.
        assert_eq!(widths, vec![(24, 24), (3, 8), (3, 8), (1, 1)]);
        // Every job exactly once.
        let mut all: Vec<usize> = chunks.iter().flat_map(|c| c.indices.clone()).collect();
        all.sort_unstable();
        assert_eq!(all, (0..jobs.len()).collect::<Vec<_>>());
        // The scalar kernel: every job alone.
        assert!(plan(Kernel::Scalar, &jobs).iter().all(|c| c.width == 1));
    }
}
