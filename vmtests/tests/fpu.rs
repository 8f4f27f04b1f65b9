//! Floats in the kernel must not disturb anyone's FPU state: a task's XMM registers survive a
//! float-using test run made from that very task, thousands of times, while another task on
//! the same CPU does the same with other values.

use kwasm::hooks::attr::{Attr, TestRunAttr};
use kwasm::hooks::ioctl::KWASM_IOC_PROG_TEST_RUN;
use kwasm::{Device, Program};
use kwasm_vmtests::{require_vm, wasm};
use std::arch::asm;

const FLOATY: &str = r#"(module (func (export "mix") (param f64 f64) (result f64) (local i32)
    (loop $l
      (local.set 0 (f64.mul (f64.add (local.get 0) (f64.const 1.5)) (f64.const 0.75)))
      (local.set 1 (f64.sqrt (f64.add (local.get 1) (local.get 0))))
      (br_if $l (i32.lt_u (local.tee 2 (i32.add (local.get 2) (i32.const 1))) (i32.const 50))))
    (f64.add (local.get 0) (local.get 1))))"#;

fn pin_to_cpu0() {
    // SAFETY: a zeroed cpu_set_t with CPU 0 set, for this thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(0, &mut set);
        assert_eq!(
            libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set),
            0
        );
    }
}

/// Fills xmm0..xmm15 from `values`, makes the test-run ioctl with a raw `syscall`, and reads the
/// registers back.
fn ioctl_with_xmm(fd: i32, attr: &mut TestRunAttr, values: &[u64; 16]) -> ([u64; 16], i64) {
    let mut out = [0u64; 16];
    let ret: i64;
    // SAFETY: loads and stores only our own arrays; the syscall is ioctl(2) on our fd with a
    // valid attr; rcx and r11 (clobbered by `syscall`) and rax are declared.
    unsafe {
        asm!(
            "movq xmm0, [{v}]", "movq xmm1, [{v} + 8]", "movq xmm2, [{v} + 16]", "movq xmm3, [{v} + 24]",
            "movq xmm4, [{v} + 32]", "movq xmm5, [{v} + 40]", "movq xmm6, [{v} + 48]", "movq xmm7, [{v} + 56]",
            "movq xmm8, [{v} + 64]", "movq xmm9, [{v} + 72]", "movq xmm10, [{v} + 80]", "movq xmm11, [{v} + 88]",
            "movq xmm12, [{v} + 96]", "movq xmm13, [{v} + 104]", "movq xmm14, [{v} + 112]", "movq xmm15, [{v} + 120]",
            "syscall",
            "movq [{o}], xmm0", "movq [{o} + 8], xmm1", "movq [{o} + 16], xmm2", "movq [{o} + 24], xmm3",
            "movq [{o} + 32], xmm4", "movq [{o} + 40], xmm5", "movq [{o} + 48], xmm6", "movq [{o} + 56], xmm7",
            "movq [{o} + 64], xmm8", "movq [{o} + 72], xmm9", "movq [{o} + 80], xmm10", "movq [{o} + 88], xmm11",
            "movq [{o} + 96], xmm12", "movq [{o} + 104], xmm13", "movq [{o} + 112], xmm14", "movq [{o} + 120], xmm15",
            v = in(reg) values.as_ptr(),
            o = in(reg) out.as_mut_ptr(),
            inlateout("rax") libc::SYS_ioctl => ret,
            in("rdi") fd,
            in("rsi") KWASM_IOC_PROG_TEST_RUN as u64,
            in("rdx") attr as *mut TestRunAttr,
            out("rcx") _, out("r11") _,
            out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _, out("xmm4") _, out("xmm5") _,
            out("xmm6") _, out("xmm7") _, out("xmm8") _, out("xmm9") _, out("xmm10") _, out("xmm11") _,
            out("xmm12") _, out("xmm13") _, out("xmm14") _, out("xmm15") _,
        );
    }
    (out, ret)
}

fn hammer(seed: u64, rounds: usize) {
    pin_to_cpu0();
    let dev = Device::open().unwrap();
    let p = Program::load_bytes(&wasm(FLOATY)).unwrap();
    let expected = p
        .test_run("mix", &[1f64.to_bits(), 2f64.to_bits()], 2, 1, 0)
        .unwrap()
        .results[0];
    let values: [u64; 16] = std::array::from_fn(|i| {
        seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(i as u32)
            ^ i as u64
    });
    let name = "mix";
    let dev_fd = {
        use std::os::fd::{AsFd, AsRawFd};
        dev.as_fd().as_raw_fd()
    };
    for round in 0..rounds {
        let mut slots = [1f64.to_bits(), 2f64.to_bits()];
        let mut attr = TestRunAttr {
            size: TestRunAttr::MIN_SIZE,
            prog_fd: p.fd() as u32,
            name: name.as_ptr() as u64,
            name_len: name.len() as u32,
            nslots: 2,
            slots: slots.as_mut_ptr() as u64,
            repeat: 1,
            ..Default::default()
        };
        let (out, ret) = ioctl_with_xmm(dev_fd, &mut attr, &values);
        assert_eq!(ret, 0, "ioctl");
        assert_eq!(attr.trap, 0);
        assert_eq!(slots[0], expected, "the program's own result");
        assert_eq!(
            out, values,
            "round {round}: this task's XMM registers changed across the run"
        );
    }
}

#[test]
fn float_runs_preserve_the_callers_fpu_state() {
    require_vm();
    let a = std::thread::spawn(|| hammer(1, 3000));
    let b = std::thread::spawn(|| hammer(2, 3000));
    a.join().unwrap();
    b.join().unwrap();
}
