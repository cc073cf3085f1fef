//! Multi-buffer md5-crypt: many independent hashes run side by side in SIMD lanes.
//!
//! One md5-crypt hash is 1000 sequential MD5 compressions and cannot be split, but many can run
//! at once. Every hash follows the same round schedule (which of the eight message layouts a
//! round uses depends only on the round number), so lanes stay in lock-step: lanes whose
//! password and salt have the same lengths share one layout geometry, the previous digest lands
//! at the same offset in each lane (a uniform shift), and each round is one multi-lane
//! compression per block.
//!
//! On x86_64 the compression is written once with intrinsics (`simd_compress.rs`, included by
//! the `sse2`, `avx2_x86` and `avx512_x86` modules under their own intrinsic aliases and round
//! function macros), and the kernel is chosen at run time with `is_x86_feature_detected!`:
//! AVX-512F, 2 x 16 and 1 x 16 lanes, one `vprold` per rotation and one `vpternlogd` per round
//! function; AVX2, 3 x 8 and 1 x 8 lanes; SSE2 (baseline), 3 x 4 and 1 x 4 lanes. Several
//! interleaved registers per step hide the latency of MD5's serial chain. [`KERNEL_ENV`] picks
//! a slower kernel, for benchmarks and tests.
//! Other architectures run the portable kernel over `[u32; L]` lane arrays (12 and 4 lanes),
//! left to LLVM's auto-vectoriser and not measured on any of them yet (on x86_64 LLVM
//! vectorises it at 24 and 8 AVX2 lanes, ~5% slower than the intrinsics, not at 16, and not on
//! SSE2 for want of a vector rotate).
//! The scalar path ([`Md5CryptHash::new`]) takes passwords too long for the prepared layouts
//! and odd leftovers. Results are identical to the scalar path, always: the differential tests
//! in `tests/md5_crypt_batch.rs` check every kernel the machine has.

use zeroize::Zeroize as _;

use super::algorithm::{BLOCK, Layouts, SCHEDULE, setup_digest};
use super::{Md5CryptHash, Md5Variant, Salt};

/// One hash to compute.
#[derive(Clone, Copy, Debug)]
pub struct Md5CryptJob<'a> {
    /// `$apr1$` or `$1$`.
    pub variant: Md5Variant,
    /// The password bytes (any length).
    pub password: &'a [u8],
    /// The salt.
    pub salt: Salt,
}

/// A multi-buffer kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kernel {
    /// One hash at a time ([`Md5CryptHash::new`]).
    Scalar,
    /// x86_64 SSE2: 3 x 4 lanes (baseline on every x86_64).
    Sse2,
    /// x86_64 AVX2: 3 x 8 lanes.
    Avx2,
    /// x86_64 AVX-512F: 2 x 16 lanes, with one-instruction rotations and round functions.
    Avx512,
    /// The portable multi-lane kernel, 12 and 4 lanes, on architectures other than x86_64 (left
    /// to LLVM's auto-vectoriser; not measured on any of them yet).
    Portable,
}

/// The environment variable that makes [`Kernel::detect`] pick a slower kernel (`scalar`,
/// `sse2`, `avx2`, `avx512` or `portable`), as `OPENSSL_ia32cap` masks CPU features for
/// OpenSSL: for benchmarks and for testing every kernel through the command-line tools.
pub const KERNEL_ENV: &str = "HTPASSWD_MD5_KERNEL";

/// [`KERNEL_ENV`] holds something other than the name of a kernel this CPU runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelEnvError {
    /// The variable's value (lossily decoded).
    pub value: String,
}

impl core::fmt::Display for KernelEnvError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let names: Vec<&str> = Kernel::available().iter().map(|k| k.name()).collect();
        write!(
            f,
            "{KERNEL_ENV}={:?} is not a kernel this CPU runs (it runs: {})",
            self.value,
            names.join(", ")
        )
    }
}

impl std::error::Error for KernelEnvError {}

impl Kernel {
    /// The kernel [`KERNEL_ENV`] names when it is set to one this CPU runs, otherwise the
    /// fastest this CPU runs (an unusable value is ignored here: [`Kernel::from_env`] reports it).
    #[must_use]
    pub fn detect() -> Self {
        match Self::from_env() {
            Ok(Some(kernel)) => kernel,
            _ => Self::available().last().copied().unwrap_or(Self::Scalar),
        }
    }

    /// The kernel [`KERNEL_ENV`] names; `None` when it is unset or empty.
    ///
    /// # Errors
    /// [`KernelEnvError`] when it names no kernel, or one this CPU does not run.
    pub fn from_env() -> Result<Option<Self>, KernelEnvError> {
        let Some(value) = std::env::var_os(KERNEL_ENV) else {
            return Ok(None);
        };
        if value.is_empty() {
            return Ok(None);
        }
        let value = value.to_string_lossy();
        Self::available()
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(&value))
            .map(Some)
            .ok_or_else(|| KernelEnvError {
                value: value.into_owned(),
            })
    }

    /// The kernel's name, as [`KERNEL_ENV`] takes it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Scalar => "scalar",
            Self::Sse2 => "sse2",
            Self::Avx2 => "avx2",
            Self::Avx512 => "avx512",
            Self::Portable => "portable",
        }
    }

    /// Every kernel this CPU runs, slowest first.
    #[must_use]
    pub fn available() -> Vec<Self> {
        let mut kernels = vec![Self::Scalar];
        #[cfg(target_arch = "x86_64")]
        {
            kernels.push(Self::Sse2);
            if std::arch::is_x86_feature_detected!("avx2") {
                kernels.push(Self::Avx2);
            }
            if std::arch::is_x86_feature_detected!("avx512f") {
                kernels.push(Self::Avx512);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        kernels.push(Self::Portable);
        kernels
    }

    /// Lanes one wide step of this kernel fills.
    #[must_use]
    pub fn lanes(self) -> usize {
        match self {
            Self::Scalar => 1,
            Self::Sse2 | Self::Portable => 12,
            Self::Avx2 => 24,
            Self::Avx512 => AVX512_WIDE,
        }
    }

    /// Lanes of the narrow step used for leftovers (one vector).
    fn narrow_lanes(self) -> usize {
        match self {
            Self::Scalar => 1,
            Self::Sse2 | Self::Portable => 4,
            Self::Avx2 => 8,
            Self::Avx512 => 16,
        }
    }
}

/// Hashes every job with the fastest kernel, on the calling thread. Output order = input order.
#[must_use]
pub fn hash_batch(jobs: &[Md5CryptJob<'_>]) -> Vec<Md5CryptHash> {
    hash_batch_with(Kernel::detect(), jobs)
}

/// Hashes every job with `kernel` (which must be one of [`Kernel::available`]; another falls
/// back to the scalar path), on the calling thread.
#[must_use]
pub fn hash_batch_with(kernel: Kernel, jobs: &[Md5CryptJob<'_>]) -> Vec<Md5CryptHash> {
    let kernel = if Kernel::available().contains(&kernel) {
        kernel
    } else {
        Kernel::Scalar
    };
    let plan = plan(kernel, jobs);
    let mut digests = vec![[0u8; 16]; jobs.len()];
    for chunk in &plan {
        for (index, digest) in run_chunk(kernel, jobs, chunk) {
            digests[index] = digest;
        }
    }
    assemble(jobs, &digests)
}

/// Hashes every job on all cores (rayon's global pool), each thread running the fastest kernel
/// over its share. Output order = input order.
///
/// Work is cut into chunks of one kernel width (24 lanes with AVX2, about 0.2 ms each), which
/// rayon spreads over its threads (one per core by default, `RAYON_NUM_THREADS` to change).
#[cfg(feature = "parallel")]
#[must_use]
pub fn par_hash_batch(jobs: &[Md5CryptJob<'_>]) -> Vec<Md5CryptHash> {
    par_hash_batch_with_progress(jobs, &|_| ())
}

/// [`par_hash_batch`], calling `progress(n)` from worker threads as each chunk of `n` hashes
/// completes (for a progress bar; the counts add up to `jobs.len()`).
#[cfg(feature = "parallel")]
#[must_use]
pub fn par_hash_batch_with_progress(
    jobs: &[Md5CryptJob<'_>],
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Md5CryptHash> {
    use rayon::prelude::*;

    let kernel = Kernel::detect();
    let plan = plan(kernel, jobs);
    let results: Vec<Vec<(usize, [u8; 16])>> = plan
        .par_iter()
        .map(|chunk| {
            let done = run_chunk(kernel, jobs, chunk);
            progress(done.len());
            done
        })
        .collect();
    let mut digests = vec![[0u8; 16]; jobs.len()];
    for (index, digest) in results.into_iter().flatten() {
        digests[index] = digest;
    }
    assemble(jobs, &digests)
}

/// Checks each password against its stored hash (constant-time compares), in batches.
#[must_use]
pub fn verify_batch(pairs: &[(&[u8], &Md5CryptHash)]) -> Vec<bool> {
    let jobs: Vec<Md5CryptJob<'_>> = pairs
        .iter()
        .map(|(password, hash)| Md5CryptJob {
            variant: hash.variant(),
            password,
            salt: hash.salt(),
        })
        .collect();
    hash_batch(&jobs)
        .iter()
        .zip(pairs)
        .map(|(computed, (_, stored))| {
            subtle::ConstantTimeEq::ct_eq(&computed.digest()[..], &stored.digest()[..]).into()
        })
        .collect()
}

fn assemble(jobs: &[Md5CryptJob<'_>], digests: &[[u8; 16]]) -> Vec<Md5CryptHash> {
    jobs.iter()
        .zip(digests)
        .map(|(job, digest)| Md5CryptHash {
            variant: job.variant,
            salt: job.salt,
            digest: *digest,
        })
        .collect()
}

/// A unit of work: job indices sharing one geometry (at most `width` of them), or one job for
/// the scalar path (`width == 1`).
struct Chunk {
    indices: Vec<usize>,
    width: usize,
}

/// Groups jobs by (password length, salt length), then cuts each group into wide chunks, narrow
/// chunks for the rest, and scalar jobs where a chunk would hold a single lane.
fn plan(kernel: Kernel, jobs: &[Md5CryptJob<'_>]) -> Vec<Chunk> {
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

fn run_chunk(kernel: Kernel, jobs: &[Md5CryptJob<'_>], chunk: &Chunk) -> Vec<(usize, [u8; 16])> {
    let lanes: Vec<&Md5CryptJob<'_>> = chunk.indices.iter().map(|&i| &jobs[i]).collect();
    let digests = match (kernel, chunk.width) {
        (_, 1) => lanes
            .iter()
            .map(|job| Md5CryptHash::new(job.variant, job.password, job.salt).digest)
            .collect(),
        #[cfg(target_arch = "x86_64")]
        (Kernel::Avx2, 24) => {
            // SAFETY: `Kernel::Avx2` is only in use when `Kernel::available` saw AVX2 on this
            // CPU (`hash_batch_with` falls back to scalar otherwise; `par_hash_batch` uses
            // `Kernel::detect`).
            #[allow(unsafe_code)]
            unsafe {
                avx2::lanes_24(&lanes)
            }
        }
        #[cfg(target_arch = "x86_64")]
        (Kernel::Avx2, _) => {
            // SAFETY: as above: AVX2 was detected.
            #[allow(unsafe_code)]
            unsafe {
                avx2::lanes_8(&lanes)
            }
        }
        #[cfg(target_arch = "x86_64")]
        (Kernel::Avx512, AVX512_WIDE) => {
            // SAFETY: `Kernel::Avx512` is only in use when `Kernel::available` saw AVX-512F.
            #[allow(unsafe_code)]
            unsafe {
                avx512::lanes_wide(&lanes)
            }
        }
        #[cfg(target_arch = "x86_64")]
        (Kernel::Avx512, _) => {
            // SAFETY: as above: AVX-512F was detected.
            #[allow(unsafe_code)]
            unsafe {
                avx512::lanes_16(&lanes)
            }
        }
        #[cfg(target_arch = "x86_64")]
        (_, 12) => multi_lane::<12>(&lanes, sse2::compress::<12>),
        #[cfg(target_arch = "x86_64")]
        _ => multi_lane::<4>(&lanes, sse2::compress::<4>),
        #[cfg(not(target_arch = "x86_64"))]
        (_, 12) => multi_lane::<12>(&lanes, compress_lanes::<12>),
        #[cfg(not(target_arch = "x86_64"))]
        _ => multi_lane::<4>(&lanes, compress_lanes::<4>),
    };
    chunk.indices.iter().copied().zip(digests).collect()
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{Md5CryptJob, multi_lane};

    /// Callers must have seen AVX2 on this CPU (calling it is `unsafe` outside AVX2 code).
    #[target_feature(enable = "avx2")]
    pub(super) fn lanes_24(lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
        // The closure inherits this function's AVX2 feature, so the call is safe here.
        multi_lane::<24>(lanes, |s, m| super::avx2_x86::compress::<24>(s, m))
    }

    /// Callers must have seen AVX2 on this CPU (calling it is `unsafe` outside AVX2 code).
    #[target_feature(enable = "avx2")]
    pub(super) fn lanes_8(lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
        multi_lane::<8>(lanes, |s, m| super::avx2_x86::compress::<8>(s, m))
    }
}

/// Lanes of one wide AVX-512 step.
const AVX512_WIDE: usize = 32;

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{AVX512_WIDE, Md5CryptJob, multi_lane};

    /// Callers must have seen AVX-512F on this CPU.
    #[target_feature(enable = "avx512f")]
    pub(super) fn lanes_wide(lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
        multi_lane::<AVX512_WIDE>(lanes, |s, m| {
            super::avx512_x86::compress::<AVX512_WIDE>(s, m);
        })
    }

    /// Callers must have seen AVX-512F on this CPU.
    #[target_feature(enable = "avx512f")]
    pub(super) fn lanes_16(lanes: &[&Md5CryptJob<'_>]) -> Vec<[u8; 16]> {
        multi_lane::<16>(lanes, |s, m| super::avx512_x86::compress::<16>(s, m))
    }
}

/// Where the digest goes in one layout, shared by every lane of a chunk.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// Word holding the first digest byte.
    word: usize,
    /// Bit shift of the digest within that word (0, 8, 16 or 24).
    shift: u32,
    /// First block compressed each round (earlier ones are folded into the mid-state).
    first_block: usize,
    /// One past the last block.
    end_block: usize,
    /// Where the layout's words start in the chunk's word array (the layout takes
    /// `16 * end_block` of them).
    base: usize,
}

impl Slot {
    /// The layout's words in the chunk's word array.
    fn words(&self) -> core::ops::Range<usize> {
        self.base..self.base + 16 * self.end_block
    }
}

/// Runs up to `L` jobs of one geometry in lock-step; lanes past `lanes.len()` repeat the first
/// job and are dropped.
#[inline(always)]
fn multi_lane<const L: usize>(
    lanes: &[&Md5CryptJob<'_>],
    compress: impl Fn(&mut [[u32; L]; 4], &[[u32; L]; 16]) + Copy,
) -> Vec<[u8; 16]> {
    let geometry = |job: &Md5CryptJob<'_>| (job.password.len(), job.salt.as_bytes().len());
    let shared = lanes.first().map(|j| geometry(j));
    let lockstep = shared.is_some_and(|(p, s)| Layouts::fit(p, s))
        && lanes.iter().all(|j| Some(geometry(j)) == shared)
        && lanes.len() <= L;
    if !lockstep {
        // `plan` only sends one fitting geometry per chunk; should that ever break, the scalar
        // path still gives the right answer.
        debug_assert!(false, "batch chunk that cannot run in lock-step");
        return lanes
            .iter()
            .map(|job| Md5CryptHash::new(job.variant, job.password, job.salt).digest)
            .collect();
    }
    let lane = |l: usize| lanes[if l < lanes.len() { l } else { 0 }];

    let mut mid = [[[0u32; L]; 4]; 8];
    let mut head = [[0u32; L]; 8];
    let mut tail = [[0u32; L]; 8];
    let mut digest = [[0u32; L]; 4];

    // One set of buffers for every lane: filled, read into the lane arrays, wiped. The first
    // fill gives the geometry every lane shares.
    let mut layouts = Layouts::empty();
    let first = lane(0);
    layouts.fill(first.password, first.salt.as_bytes()); // fits: checked above
    // Layout k's words are words[base..base + 16 * end_block]: up to its last block only.
    let mut slots = [Slot::default(); 8];
    let mut base = 0;
    for (slot, layout) in slots.iter_mut().zip(&layouts.0) {
        *slot = Slot {
            word: layout.slot / 4,
            shift: 8 * (layout.slot % 4) as u32,
            first_block: layout.first_block,
            end_block: layout.end / BLOCK,
            base,
        };
        base += 16 * slot.end_block;
    }
    layouts.zeroize();
    let mut words = vec![[0u32; L]; base];

    for l in 0..L {
        let job = lane(l);
        let salt = job.salt.as_bytes();
        let mut start = setup_digest(job.variant.prefix().as_bytes(), job.password, salt);
        for (j, word) in digest.iter_mut().enumerate() {
            word[l] = le_word(&start, j);
        }
        start.zeroize();
        layouts.fill(job.password, salt);
        for (k, layout) in layouts.0.iter().enumerate() {
            for (w, word) in words[slots[k].words()].iter_mut().enumerate() {
                word[l] = le_word(&layout.buf, w);
            }
            for (j, m) in mid[k].iter_mut().enumerate() {
                m[l] = layout.mid[j];
            }
        }
        layouts.zeroize();
    }
    for k in 0..8 {
        head[k] = words[slots[k].base + slots[k].word];
        tail[k] = words[slots[k].base + slots[k].word + 4];
    }

    rounds::<L>(
        &slots,
        &mut words,
        &mid,
        &head,
        &tail,
        &mut digest,
        compress,
    );

    let out = (0..lanes.len())
        .map(|l| {
            let mut bytes = [0u8; 16];
            for (j, word) in digest.iter().enumerate() {
                bytes[4 * j..4 * j + 4].copy_from_slice(&word[l].to_le_bytes());
            }
            bytes
        })
        .collect();
    words.as_flattened_mut().zeroize();
    mid.as_flattened_mut().as_flattened_mut().zeroize();
    head.as_flattened_mut().zeroize();
    tail.as_flattened_mut().zeroize();
    digest.as_flattened_mut().zeroize();
    out
}

fn le_word(bytes: &[u8], w: usize) -> u32 {
    u32::from_le_bytes([
        bytes[4 * w],
        bytes[4 * w + 1],
        bytes[4 * w + 2],
        bytes[4 * w + 3],
    ])
}

/// The 64 steps of MD5's compression (RFC 1321, 3.4): round function, the four state words in
/// their rotating order, message word index, additive constant, rotation. `$step` is the
/// kernel's own step; the state variables and round functions are passed in (macro hygiene).
macro_rules! md5_steps {
    ($step:ident, $a:ident, $b:ident, $c:ident, $d:ident, $f:ident, $g:ident, $h:ident, $i:ident) => {
        $step!($f, $a, $b, $c, $d, 0, 0xd76aa478, 7);
        $step!($f, $d, $a, $b, $c, 1, 0xe8c7b756, 12);
        $step!($f, $c, $d, $a, $b, 2, 0x242070db, 17);
        $step!($f, $b, $c, $d, $a, 3, 0xc1bdceee, 22);
        $step!($f, $a, $b, $c, $d, 4, 0xf57c0faf, 7);
        $step!($f, $d, $a, $b, $c, 5, 0x4787c62a, 12);
        $step!($f, $c, $d, $a, $b, 6, 0xa8304613, 17);
        $step!($f, $b, $c, $d, $a, 7, 0xfd469501, 22);
        $step!($f, $a, $b, $c, $d, 8, 0x698098d8, 7);
        $step!($f, $d, $a, $b, $c, 9, 0x8b44f7af, 12);
        $step!($f, $c, $d, $a, $b, 10, 0xffff5bb1, 17);
        $step!($f, $b, $c, $d, $a, 11, 0x895cd7be, 22);
        $step!($f, $a, $b, $c, $d, 12, 0x6b901122, 7);
        $step!($f, $d, $a, $b, $c, 13, 0xfd987193, 12);
        $step!($f, $c, $d, $a, $b, 14, 0xa679438e, 17);
        $step!($f, $b, $c, $d, $a, 15, 0x49b40821, 22);
        $step!($g, $a, $b, $c, $d, 1, 0xf61e2562, 5);
        $step!($g, $d, $a, $b, $c, 6, 0xc040b340, 9);
        $step!($g, $c, $d, $a, $b, 11, 0x265e5a51, 14);
        $step!($g, $b, $c, $d, $a, 0, 0xe9b6c7aa, 20);
        $step!($g, $a, $b, $c, $d, 5, 0xd62f105d, 5);
        $step!($g, $d, $a, $b, $c, 10, 0x02441453, 9);
        $step!($g, $c, $d, $a, $b, 15, 0xd8a1e681, 14);
        $step!($g, $b, $c, $d, $a, 4, 0xe7d3fbc8, 20);
        $step!($g, $a, $b, $c, $d, 9, 0x21e1cde6, 5);
        $step!($g, $d, $a, $b, $c, 14, 0xc33707d6, 9);
        $step!($g, $c, $d, $a, $b, 3, 0xf4d50d87, 14);
        $step!($g, $b, $c, $d, $a, 8, 0x455a14ed, 20);
        $step!($g, $a, $b, $c, $d, 13, 0xa9e3e905, 5);
        $step!($g, $d, $a, $b, $c, 2, 0xfcefa3f8, 9);
        $step!($g, $c, $d, $a, $b, 7, 0x676f02d9, 14);
        $step!($g, $b, $c, $d, $a, 12, 0x8d2a4c8a, 20);
        $step!($h, $a, $b, $c, $d, 5, 0xfffa3942, 4);
        $step!($h, $d, $a, $b, $c, 8, 0x8771f681, 11);
        $step!($h, $c, $d, $a, $b, 11, 0x6d9d6122, 16);
        $step!($h, $b, $c, $d, $a, 14, 0xfde5380c, 23);
        $step!($h, $a, $b, $c, $d, 1, 0xa4beea44, 4);
        $step!($h, $d, $a, $b, $c, 4, 0x4bdecfa9, 11);
        $step!($h, $c, $d, $a, $b, 7, 0xf6bb4b60, 16);
        $step!($h, $b, $c, $d, $a, 10, 0xbebfbc70, 23);
        $step!($h, $a, $b, $c, $d, 13, 0x289b7ec6, 4);
        $step!($h, $d, $a, $b, $c, 0, 0xeaa127fa, 11);
        $step!($h, $c, $d, $a, $b, 3, 0xd4ef3085, 16);
        $step!($h, $b, $c, $d, $a, 6, 0x04881d05, 23);
        $step!($h, $a, $b, $c, $d, 9, 0xd9d4d039, 4);
        $step!($h, $d, $a, $b, $c, 12, 0xe6db99e5, 11);
        $step!($h, $c, $d, $a, $b, 15, 0x1fa27cf8, 16);
        $step!($h, $b, $c, $d, $a, 2, 0xc4ac5665, 23);
        $step!($i, $a, $b, $c, $d, 0, 0xf4292244, 6);
        $step!($i, $d, $a, $b, $c, 7, 0x432aff97, 10);
        $step!($i, $c, $d, $a, $b, 14, 0xab9423a7, 15);
        $step!($i, $b, $c, $d, $a, 5, 0xfc93a039, 21);
        $step!($i, $a, $b, $c, $d, 12, 0x655b59c3, 6);
        $step!($i, $d, $a, $b, $c, 3, 0x8f0ccc92, 10);
        $step!($i, $c, $d, $a, $b, 10, 0xffeff47d, 15);
        $step!($i, $b, $c, $d, $a, 1, 0x85845dd1, 21);
        $step!($i, $a, $b, $c, $d, 8, 0x6fa87e4f, 6);
        $step!($i, $d, $a, $b, $c, 15, 0xfe2ce6e0, 10);
        $step!($i, $c, $d, $a, $b, 6, 0xa3014314, 15);
        $step!($i, $b, $c, $d, $a, 13, 0x4e0811a1, 21);
        $step!($i, $a, $b, $c, $d, 4, 0xf7537e82, 6);
        $step!($i, $d, $a, $b, $c, 11, 0xbd3af235, 10);
        $step!($i, $c, $d, $a, $b, 2, 0x2ad7d2bb, 15);
        $step!($i, $b, $c, $d, $a, 9, 0xeb86d391, 21);
    };
}

/// The 1000 rounds over all lanes.
#[inline(always)]
fn rounds<const L: usize>(
    slots: &[Slot; 8],
    words: &mut [[u32; L]],
    mid: &[[[u32; L]; 4]; 8],
    head: &[[u32; L]; 8],
    tail: &[[u32; L]; 8],
    digest: &mut [[u32; L]; 4],
    compress: impl Fn(&mut [[u32; L]; 4], &[[u32; L]; 16]),
) {
    for &k in &SCHEDULE {
        let k = usize::from(k);
        let slot = slots[k];
        let msg = &mut words[slot.words()];
        let w = slot.word;
        if slot.shift == 0 {
            msg[w..w + 4].copy_from_slice(&digest[..]);
        } else {
            let up = slot.shift;
            let down = 32 - up;
            for l in 0..L {
                msg[w][l] = head[k][l] | (digest[0][l] << up);
                msg[w + 1][l] = (digest[1][l] << up) | (digest[0][l] >> down);
                msg[w + 2][l] = (digest[2][l] << up) | (digest[1][l] >> down);
                msg[w + 3][l] = (digest[3][l] << up) | (digest[2][l] >> down);
                msg[w + 4][l] = tail[k][l] | (digest[3][l] >> down);
            }
        }
        let mut state = mid[k];
        for b in slot.first_block..slot.end_block {
            let (block, _) = msg[16 * b..16 * b + 16].as_chunks::<16>();
            compress(&mut state, &block[0]);
        }
        *digest = state;
    }
}

/// The MD5 compression function (RFC 1321, 3.4) over `L` independent lanes.
#[inline(always)]
// The kernel of other architectures; on x86_64 only the tests run it.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn compress_lanes<const L: usize>(state: &mut [[u32; L]; 4], m: &[[u32; L]; 16]) {
    let [mut a, mut b, mut c, mut d] = *state;
    let f = |x: u32, y: u32, z: u32| ((y ^ z) & x) ^ z;
    let g = |x: u32, y: u32, z: u32| ((x ^ y) & z) ^ y;
    let h = |x: u32, y: u32, z: u32| x ^ y ^ z;
    let i = |x: u32, y: u32, z: u32| y ^ (x | !z);
    macro_rules! step {
        ($f:ident, $a:ident, $b:ident, $c:ident, $d:ident, $w:expr, $k:expr, $s:expr) => {
            for l in 0..L {
                $a[l] = $a[l]
                    .wrapping_add($f($b[l], $c[l], $d[l]))
                    .wrapping_add(m[$w][l])
                    .wrapping_add($k)
                    .rotate_left($s)
                    .wrapping_add($b[l]);
            }
        };
    }
    md5_steps!(step, a, b, c, d, f, g, h, i);
    for l in 0..L {
        state[0][l] = state[0][l].wrapping_add(a[l]);
        state[1][l] = state[1][l].wrapping_add(b[l]);
        state[2][l] = state[2][l].wrapping_add(c[l]);
        state[3][l] = state[3][l].wrapping_add(d[l]);
    }
}

/// Round functions and rotation for the SSE2 and AVX2 kernels, which have neither a vector
/// rotate nor a three-input logic instruction (expects `and`, `andnot`, `or`, `xor`, `set1`,
/// `slli`, `srli` in scope).
macro_rules! two_operand_round_functions {
    () => {
        macro_rules! rotl {
            ($x:expr, $s:expr) => {
                or(slli::<$s>($x), srli::<{ 32 - $s }>($x))
            };
        }
        macro_rules! f {
            ($x:expr, $y:expr, $z:expr) => {
                xor(and(xor($y, $z), $x), $z)
            };
        }
        macro_rules! g {
            ($x:expr, $y:expr, $z:expr) => {
                xor(and(xor($x, $y), $z), $y)
            };
        }
        macro_rules! h {
            ($x:expr, $y:expr, $z:expr) => {
                xor(xor($x, $y), $z)
            };
        }
        // y ^ (x | !z) == y ^ !(!x & z)
        macro_rules! i {
            ($x:expr, $y:expr, $z:expr) => {
                xor(xor(andnot($x, $z), set1(-1)), $y)
            };
        }
    };
}

/// The MD5 compression written with SSE2 intrinsics over `L / 4` registers: LLVM's cost model
/// keeps the portable kernel scalar on SSE2 (no vector rotate).
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use core::arch::x86_64::{
        _mm_add_epi32 as add, _mm_and_si128 as and, _mm_andnot_si128 as andnot,
        _mm_loadu_si128 as loadu, _mm_or_si128 as or, _mm_set1_epi32 as set1,
        _mm_slli_epi32 as slli, _mm_srli_epi32 as srli, _mm_storeu_si128 as storeu,
        _mm_xor_si128 as xor,
    };

    /// Lanes per register.
    const WIDTH: usize = 4;
    /// Most registers per lane array (`L <= 24`).
    const MAX_VECTORS: usize = 6;

    two_operand_round_functions!();

    /// The MD5 compression function over `L` lanes (`L` a multiple of 4, at most 24).
    #[inline(always)]
    pub(super) fn compress<const L: usize>(state: &mut [[u32; L]; 4], m: &[[u32; L]; 16]) {
        include!("simd_compress.rs")
    }
}

/// The MD5 compression written with AVX2 intrinsics over `L / 8` registers, all inside one
/// `#[target_feature(enable = "avx2")]` function. (The portable kernel auto-vectorises too, at 24
/// and 8 lanes only, and about 5% slower; an earlier generic version through a trait did not
/// inline at all, as trait methods do not inherit the target feature.)
#[cfg(target_arch = "x86_64")]
mod avx2_x86 {
    use core::arch::x86_64::{
        _mm256_add_epi32 as add, _mm256_and_si256 as and, _mm256_andnot_si256 as andnot,
        _mm256_loadu_si256 as loadu, _mm256_or_si256 as or, _mm256_set1_epi32 as set1,
        _mm256_slli_epi32 as slli, _mm256_srli_epi32 as srli, _mm256_storeu_si256 as storeu,
        _mm256_xor_si256 as xor,
    };

    /// Lanes per register.
    const WIDTH: usize = 8;
    /// Most registers per lane array (`L <= 24`).
    const MAX_VECTORS: usize = 3;

    two_operand_round_functions!();

    /// The MD5 compression function over `L` lanes (`L` a multiple of 8, at most 24). Callers
    /// must have seen AVX2 on this CPU (calling it is `unsafe` outside AVX2 code).
    #[target_feature(enable = "avx2")]
    pub(super) fn compress<const L: usize>(state: &mut [[u32; L]; 4], m: &[[u32; L]; 16]) {
        include!("simd_compress.rs")
    }
}

/// The MD5 compression written with AVX-512 intrinsics over `L / 16` registers: one
/// instruction per rotation (`vprold`) and one per round function (`vpternlogd`, whose 8-bit
/// immediate is the function's truth table over the inputs x = 0xf0, y = 0xcc, z = 0xaa).
#[cfg(target_arch = "x86_64")]
mod avx512_x86 {
    use core::arch::x86_64::{
        _mm512_add_epi32 as add, _mm512_loadu_si512 as loadu, _mm512_rol_epi32 as rol,
        _mm512_set1_epi32 as set1, _mm512_storeu_si512 as storeu,
        _mm512_ternarylogic_epi32 as ternary,
    };

    /// Lanes per register.
    const WIDTH: usize = 16;
    /// Most registers per lane array.
    const MAX_VECTORS: usize = super::AVX512_WIDE / WIDTH;

    macro_rules! rotl {
        ($x:expr, $s:expr) => {
            rol::<$s>($x)
        };
    }
    // (x & y) | (!x & z)
    macro_rules! f {
        ($x:expr, $y:expr, $z:expr) => {
            ternary::<0xca>($x, $y, $z)
        };
    }
    // (x & z) | (y & !z)
    macro_rules! g {
        ($x:expr, $y:expr, $z:expr) => {
            ternary::<0xe4>($x, $y, $z)
        };
    }
    // x ^ y ^ z
    macro_rules! h {
        ($x:expr, $y:expr, $z:expr) => {
            ternary::<0x96>($x, $y, $z)
        };
    }
    // y ^ (x | !z)
    macro_rules! i {
        ($x:expr, $y:expr, $z:expr) => {
            ternary::<0x39>($x, $y, $z)
        };
    }

    /// The MD5 compression function over `L` lanes (`L` a multiple of 16, at most
    /// `AVX512_WIDE`). Callers
    /// must have seen AVX-512F on this CPU (calling it is `unsafe` outside AVX-512 code).
    #[target_feature(enable = "avx512f")]
    pub(super) fn compress<const L: usize>(state: &mut [[u32; L]; 4], m: &[[u32; L]; 16]) {
        include!("simd_compress.rs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lane kernel computes MD5's compression function exactly (against RustCrypto md-5).
    #[test]
    #[allow(clippy::needless_range_loop)] // lanes are read across the four state rows
    fn compress_lanes_matches_md5_crate() {
        let mut seed = 0x1234_5678u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for _ in 0..20 {
            let block: [u8; 64] = core::array::from_fn(|_| next() as u8);
            let start = [next(), next(), next(), next()];
            let mut expected = start;
            md5::block_api::compress(&mut expected, &[block]);
            let mut lanes: [[u32; 3]; 4] = core::array::from_fn(|j| [start[j]; 3]);
            let m: [[u32; 3]; 16] = core::array::from_fn(|w| [le_word(&block, w); 3]);
            compress_lanes::<3>(&mut lanes, &m);
            for l in 0..3 {
                assert_eq!(
                    [lanes[0][l], lanes[1][l], lanes[2][l], lanes[3][l]],
                    expected
                );
            }
            #[cfg(target_arch = "x86_64")]
            {
                let mut wide: [[u32; 12]; 4] = core::array::from_fn(|j| [start[j]; 12]);
                let m: [[u32; 12]; 16] = core::array::from_fn(|w| [le_word(&block, w); 12]);
                sse2::compress::<12>(&mut wide, &m);
                for l in 0..12 {
                    assert_eq!([wide[0][l], wide[1][l], wide[2][l], wide[3][l]], expected);
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    let mut wide: [[u32; 24]; 4] = core::array::from_fn(|j| [start[j]; 24]);
                    let m: [[u32; 24]; 16] = core::array::from_fn(|w| [le_word(&block, w); 24]);
                    // SAFETY: AVX2 was detected on this CPU just above.
                    #[allow(unsafe_code)]
                    unsafe {
                        avx2_x86::compress::<24>(&mut wide, &m);
                    }
                    for l in 0..24 {
                        assert_eq!([wide[0][l], wide[1][l], wide[2][l], wide[3][l]], expected);
                    }
                }
                if std::arch::is_x86_feature_detected!("avx512f") {
                    const W: usize = AVX512_WIDE;
                    let mut wide: [[u32; W]; 4] = core::array::from_fn(|j| [start[j]; W]);
                    let m: [[u32; W]; 16] = core::array::from_fn(|w| [le_word(&block, w); W]);
                    // SAFETY: AVX-512F was detected on this CPU just above.
                    #[allow(unsafe_code)]
                    unsafe {
                        avx512_x86::compress::<W>(&mut wide, &m);
                    }
                    for l in 0..W {
                        assert_eq!([wide[0][l], wide[1][l], wide[2][l], wide[3][l]], expected);
                    }
                }
            }
        }
    }

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
    }
}
