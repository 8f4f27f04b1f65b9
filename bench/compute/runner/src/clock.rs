//! Wall and CPU time of a piece of work: in this process, or of a child process.

use std::time::Instant;

/// Seconds of wall time and of CPU time (user + system).
#[derive(Clone, Copy, Default)]
pub struct Span {
    pub wall: f64,
    pub cpu: f64,
}

impl std::ops::Add for Span {
    type Output = Span;
    fn add(self, o: Span) -> Span {
        Span {
            wall: self.wall + o.wall,
            cpu: self.cpu + o.cpu,
        }
    }
}

/// CPU time of this process (the runner measures on one thread).
fn process_cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// CPU time of the waited-for children so far.
fn children_cpu() -> f64 {
    // SAFETY: an all-zero rusage is valid; getrusage fills it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Runs `f` in this process.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Span) {
    let (c0, t0) = (process_cpu(), Instant::now());
    let r = f();
    let wall = t0.elapsed().as_secs_f64();
    let cpu = process_cpu() - c0;
    (r, Span { wall, cpu })
}

/// Runs `f`, which starts a child process and waits for it (and no other child ends meanwhile).
pub fn measure_child<T>(f: impl FnOnce() -> T) -> (T, Span) {
    let (c0, t0) = (children_cpu(), Instant::now());
    let r = f();
    let wall = t0.elapsed().as_secs_f64();
    let cpu = children_cpu() - c0;
    (r, Span { wall, cpu })
}
