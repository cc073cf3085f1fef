// The body of the intrinsics MD5 compression, included by `batch::sse2`, `batch::avx2_x86` and
// `batch::avx512_x86`. Each module names its instruction set's intrinsics with the same short
// aliases (`add`, `set1`, `loadu`, `storeu`), defines the macros `rotl!(x, s)` and MD5's round
// functions `f!`, `g!`, `h!`, `i!` (three operands each) in its own terms, and sets `WIDTH`
// (lanes per register) and `MAX_VECTORS`; the module's `compress` is `fn compress<const L:
// usize>(state: &mut [[u32; L]; 4], m: &[[u32; L]; 16])` with this body. No closures or helper
// functions: everything stays in the one function, so a `#[target_feature]` on it covers every
// intrinsic and they all inline.
//
// SAFETY (the one `unsafe` block): the instruction set is available (SSE2 is the x86_64
// baseline; the AVX2 and AVX-512 `compress` functions carry their `#[target_feature]` and run
// only after `Kernel::available` saw those features); memory is touched only through
// `loadu`/`storeu` on `chunks[v]`, a bounds-checked array of exactly one register's bytes, and
// the unaligned forms have no alignment requirement.
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
    macro_rules! step {
        ($f:ident, $a:ident, $b:ident, $c:ident, $d:ident, $w:expr, $k:expr, $s:expr) => {
            for v in 0..n {
                let t = add(
                    add($a[v], $f!($b[v], $c[v], $d[v])),
                    add(load!(&m[$w], v), set1(i32::from_ne_bytes(u32::to_ne_bytes($k)))),
                );
                $a[v] = add(rotl!(t, $s), $b[v]);
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
