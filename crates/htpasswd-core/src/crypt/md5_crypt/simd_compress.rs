// The body of the intrinsics MD5 compression, included by `batch::sse2` and `batch::avx2_x86`.
// Each module names its instruction set's intrinsics with the same short aliases (`add`, `and`,
// `andnot`, `or`, `xor`, `set1`, `slli`, `srli`, `loadu`, `storeu`) and sets `WIDTH` (lanes per
// register); the module's `compress` is `fn compress<const L: usize>(state: &mut [[u32; L]; 4],
// m: &[[u32; L]; 16])` with this body. No closures or helper functions: everything stays in the
// one function, so AVX2's `#[target_feature]` covers every intrinsic and they all inline.
//
// SAFETY (the one `unsafe` block): the instruction set is available (SSE2 is the x86_64
// baseline; the AVX2 `compress` is a `#[target_feature(enable = "avx2")]` function, run only
// after `Kernel::available` saw AVX2); memory is touched only through `loadu`/`storeu` on
// `chunks[v]`, a bounds-checked array of exactly one register's bytes, and the unaligned forms
// have no alignment requirement.
#[allow(unsafe_code, unused_unsafe)]
unsafe {
    let n = L / WIDTH;
    debug_assert!(L.is_multiple_of(WIDTH) && n <= MAX_VECTORS);
    macro_rules! load {
        ($row:expr, $v:expr) => {{
            let (chunks, _) = $row.as_chunks::<WIDTH>();
            loadu(chunks[$v].as_ptr().cast())
        }};
    }
    macro_rules! store {
        ($row:expr, $v:expr, $value:expr) => {{
            let (chunks, _) = $row.as_chunks_mut::<WIDTH>();
            storeu(chunks[$v].as_mut_ptr().cast(), $value)
        }};
    }
    let zero = set1(0);
    let ones = set1(-1);
    let mut a = [zero; MAX_VECTORS];
    let mut b = [zero; MAX_VECTORS];
    let mut c = [zero; MAX_VECTORS];
    let mut d = [zero; MAX_VECTORS];
    for v in 0..n {
        a[v] = load!(&state[0], v);
        b[v] = load!(&state[1], v);
        c[v] = load!(&state[2], v);
        d[v] = load!(&state[3], v);
    }
    let (a0, b0, c0, d0) = (a, b, c, d);
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
            xor(xor(andnot($x, $z), ones), $y)
        };
    }
    macro_rules! step {
        ($f:ident, $a:ident, $b:ident, $c:ident, $d:ident, $w:expr, $k:expr, $s:expr) => {
            for v in 0..n {
                let t = add(
                    add($a[v], $f!($b[v], $c[v], $d[v])),
                    add(load!(&m[$w], v), set1(i32::from_ne_bytes(u32::to_ne_bytes($k)))),
                );
                $a[v] = add(or(slli::<$s>(t), srli::<{ 32 - $s }>(t)), $b[v]);
            }
        };
    }
    md5_steps!(step, a, b, c, d, f, g, h, i);
    for v in 0..n {
        store!(&mut state[0], v, add(a0[v], a[v]));
        store!(&mut state[1], v, add(b0[v], b[v]));
        store!(&mut state[2], v, add(c0[v], c[v]));
        store!(&mut state[3], v, add(d0[v], d[v]));
    }
}
