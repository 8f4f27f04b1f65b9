//! The Mandelbrot set (as in the Benchmarks Game, without SIMD): an `n` x `n` bitmap of
//! [-1.5, 0.5] x [-1, 1], at most 50 iterations per point; the result mixes the bitmap's bytes.

pub fn run(n: u32) -> u32 {
    let size = n as usize;
    let mut h = 2_166_136_261u32;
    for y in 0..size {
        let ci = 2.0 * y as f64 / size as f64 - 1.0;
        let mut byte = 0u8;
        for x in 0..size {
            let cr = 2.0 * x as f64 / size as f64 - 1.5;
            let (mut zr, mut zi) = (0.0f64, 0.0f64);
            let (mut tr, mut ti) = (0.0f64, 0.0f64);
            let mut inside = true;
            for _ in 0..50 {
                zi = 2.0 * zr * zi + ci;
                zr = tr - ti + cr;
                tr = zr * zr;
                ti = zi * zi;
                if tr + ti > 4.0 {
                    inside = false;
                    break;
                }
            }
            byte = byte << 1 | u8::from(inside);
            if x % 8 == 7 || x + 1 == size {
                h = crate::mix(h, u32::from(byte));
                byte = 0;
            }
        }
    }
    h
}
