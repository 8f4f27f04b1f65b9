//! Adversarial review of hook programs, maps, links and pins: what a caller with CAP_BPF (and
//! CAP_NET_ADMIN for links) must not be able to do, and the races between hooks, test runs,
//! ioctls and closes that must neither crash, hang nor lose state.

use kwasm_hooks::attr::{IdAttr, TestRunAttr};
use kwasm_hooks::fuel::FUEL_PER_SECOND;
use kwasm_hooks::ioctl::*;
use kwasm_hooks::link::LinkUpdateAttr;
use kwasm_hooks::map::{MAP_TYPE_ARRAY, MAP_TYPE_PERCPU_ARRAY, MAP_TYPE_RINGBUF};
use kwasm_hooks::netfilter::{NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT};
use kwasm_hooks::trap::TRAP_OUT_OF_FUEL;
use kwasm_vmtests::filters;
use kwasm_vmtests::raw::{decl, id, sized, tcp4, udp4, Dev};
use kwasm_vmtests::traffic::{echo_listener, reachable, unreachable};
use kwasm_vmtests::{errno, in_child, one_at_a_time, wasm};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn err<T: std::fmt::Debug>(r: std::io::Result<T>) -> i32 {
    errno(&r.expect_err("the call succeeded"))
}

/// A netfilter program with `imports` and `maps` (a `kwasm.maps` section of hex bytes), a
/// memory of `pages`, and `body` as its entry (locals `$i $j` i32).
fn hook_wat(imports: &str, maps: &[kwasm_hooks::map::MapDecl], pages: u32, body: &str) -> String {
    let decls: String = maps
        .iter()
        .flat_map(|d| d.to_bytes())
        .map(|b| format!("\\{b:02x}"))
        .collect();
    format!(
        r#"(module
  {imports}
  (memory {pages})
  (global (export "kwasm_hook_buffer") i32 (i32.const 1024))
  (global $n (mut i64) (i64.const 0))
  (@custom "kwasm.maps" "{decls}")
  (func (export "kwasm_netfilter") (param $ctx i32) (result i32) (local $i i32) (local $j i32)
    {body}))"#
    )
}

/// One test run of a hook program on `packet` with `fuel`: (duration_ns, trap).
fn timed_run(dev: &Dev, prog: &OwnedFd, packet: &[u8], fuel: u64) -> (u64, u32) {
    let mut a: TestRunAttr = sized();
    a.prog_fd = prog.as_raw_fd() as u32;
    a.data_in = packet.as_ptr() as u64;
    a.data_len = packet.len() as u32;
    a.fuel = fuel;
    dev.call(KWASM_IOC_PROG_TEST_RUN, &mut a)
        .expect("PROG_TEST_RUN");
    (a.duration_ns, a.trap)
}

/// Fuel of the loops below: about 0.1 ms of native code.
const LOOP_FUEL: u64 = FUEL_PER_SECOND / 10_000;

/// The time a program calling one host function in a loop takes to spend `LOOP_FUEL` (the
/// best of three: a slow first run, cold caches or TCG translation, says nothing).
fn loop_time(
    dev: &Dev,
    import: &str,
    maps: &[kwasm_hooks::map::MapDecl],
    call: &str,
    packet: &[u8],
) -> u64 {
    let body = format!("(loop $l {call} (br $l)) (i32.const 1)");
    let prog = dev.load_nf(&wasm(&hook_wat(import, maps, 2, &body)));
    (0..3)
        .map(|_| {
            let (t, trap) = timed_run(dev, &prog, packet, LOOP_FUEL);
            assert_eq!(trap, TRAP_OUT_OF_FUEL);
            t
        })
        .min()
        .unwrap()
}

/// `packet_load` copied up to 64 KiB per call for the price of a host call (~10 ns): a hook
/// given 1 ms of fuel ran for about half a second per packet, with bottom halves off. The
/// same fuel must take about the same time whatever the length (as `memory.copy`'s does).
#[test]
fn packet_load_pays_for_the_bytes_it_copies() {
    let _serial = one_at_a_time();
    let dev = Dev::open();
    let import =
        r#"(import "kwasm" "packet_load" (func $packet_load (param i32 i32 i32) (result i32)))"#;
    let packet = tcp4([10, 0, 0, 1], 80, 0x02, 65535 - 40);
    let call = |len: u32| {
        format!("(drop (call $packet_load (i32.const 0) (i32.const 2048) (i32.const {len})))")
    };
    let none = loop_time(&dev, import, &[], &call(0), &packet);
    let full = loop_time(&dev, import, &[], &call(65535), &packet);
    println!("packet_load: {none} ns copying nothing, {full} ns copying 64 KiB a call");
    assert!(
        full < 4 * none,
        "the same fuel ran {full} ns copying packets, {none} ns without"
    );
}

/// The same for `env.random` (4 KiB of ChaCha20 a call); the map functions' value copies are
/// measured (4 KiB against 8 bytes), not judged: their price is a calibration question.
#[test]
fn random_and_map_values_pay_for_their_bytes() {
    let _serial = one_at_a_time();
    let dev = Dev::open();
    let packet = udp4(1);
    let import = r#"(import "env" "random" (func $random (param i32 i32) (result i32)))"#;
    let call = |len: u32| format!("(drop (call $random (i32.const 2048) (i32.const {len})))");
    let none = loop_time(&dev, import, &[], &call(0), &packet);
    let full = loop_time(&dev, import, &[], &call(4096), &packet);
    println!("env.random: {none} ns with no bytes, {full} ns with 4 KiB a call");
    assert!(
        full < 4 * none,
        "env.random: {full} ns with 4 KiB, {none} ns without"
    );
    let import =
        r#"(import "kwasm" "map_lookup" (func $map_lookup (param i32 i32 i32) (result i32)))"#;
    let mut t = [0u64; 2];
    for (k, size) in [8u32, 4096].into_iter().enumerate() {
        let maps = [decl("V", MAP_TYPE_ARRAY, 4, size, 1)];
        let call = format!(
            "(drop (call $map_lookup (i32.const {}) (i32.const 0) (i32.const 4096)))",
            id("V")
        );
        t[k] = loop_time(&dev, import, &maps, &call, &packet);
    }
    println!(
        "map_lookup: {} ns with 8-byte values, {} ns with 4 KiB values",
        t[0], t[1]
    );
}

const CAPABILITY_VERSION_3: u32 = 0x2008_0522;
const CAP_BPF: u32 = 39;

/// In a forked child: uid 1000 with CAP_BPF only. Syscalls only.
fn drop_to_cap_bpf() -> bool {
    let header = [CAPABILITY_VERSION_3, 0];
    let mut data = [0u32; 6];
    data[3] = 1 << (CAP_BPF % 32); // effective of the second word
    data[4] = 1 << (CAP_BPF % 32); // permitted
                                   // SAFETY: prctl/setres*id/capset with valid arguments; they change only this process.
    unsafe {
        libc::prctl(libc::PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0
            && libc::setresgid(1000, 1000, 1000) == 0
            && libc::setresuid(1000, 1000, 1000) == 0
            && libc::syscall(libc::SYS_capset, header.as_ptr(), data.as_ptr()) == 0
    }
}

/// Attaching needs CAP_NET_ADMIN; so does replacing the attached program or detaching it: a
/// CAP_BPF-only caller could open any link by id and swap a dropping program in.
#[test]
fn link_update_and_detach_need_cap_net_admin() {
    let _serial = one_at_a_time();
    let dev = Dev::open();
    let at = echo_listener("127.0.0.1:0");
    let accept = dev.load_nf(&wasm(&filters::constant(1)));
    let drop_all = dev.load_nf(&wasm(&filters::constant(0)));
    let link = dev
        .attach_nf(&accept, NFPROTO_IPV4, NF_INET_LOCAL_IN, 0, 0)
        .unwrap();
    let mut by_id: IdAttr = sized();
    by_id.id = dev.link_info(&link).id;
    let mut update: LinkUpdateAttr = sized();
    update.prog_fd = drop_all.as_raw_fd() as u32;
    let mut detach: LinkUpdateAttr = sized();
    let code = in_child(|| {
        if !drop_to_cap_bpf() {
            return 10;
        }
        // A new fd by id is refused; the fd the child inherited is enough to try the rest.
        match dev.call(KWASM_IOC_LINK_GET_FD_BY_ID, &mut by_id) {
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {}
            _ => return 11,
        }
        update.link_fd = link.as_raw_fd() as u32;
        detach.link_fd = link.as_raw_fd() as u32;
        match dev.call(KWASM_IOC_LINK_UPDATE, &mut update) {
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {}
            Ok(_) => return 12,
            Err(_) => return 13,
        }
        match dev.call(KWASM_IOC_LINK_DETACH, &mut detach) {
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {}
            Ok(_) => return 14,
            Err(_) => return 15,
        }
        0
    });
    let info = dev.link_info(&link);
    assert_eq!(
        code, 0,
        "CAP_BPF-only child: step {code}; link now {info:?}"
    );
    assert_eq!(info.attached, 1);
    assert_eq!(info.prog_id, dev.prog_info(&accept, &mut []).id);
    assert!(reachable(at));
    // With CAP_NET_ADMIN both work.
    update.link_fd = link.as_raw_fd() as u32;
    dev.call(KWASM_IOC_LINK_UPDATE, &mut update).unwrap();
    assert!(unreachable(at));
    detach.link_fd = link.as_raw_fd() as u32;
    dev.call(KWASM_IOC_LINK_DETACH, &mut detach).unwrap();
    assert!(reachable(at));
}

/// LINK_UPDATE, LINK_DETACH and the close of the last fd racing each other while packets run
/// through the link: nothing crashes, nothing leaks (kmemleak), the program always answers.
#[test]
fn update_detach_and_close_race_under_traffic() {
    let _serial = one_at_a_time();
    let dev = Arc::new(Dev::open());
    let at = echo_listener("127.0.0.1:0");
    let stop = Arc::new(AtomicBool::new(false));
    let traffic: Vec<_> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let _ = reachable(at);
                }
            })
        })
        .collect();
    let a = Arc::new(dev.load_nf(&wasm(&filters::constant(1))));
    let b = Arc::new(dev.load_nf(&wasm(&filters::looping())));
    for i in 0..30 {
        let hook = if i % 2 == 0 {
            NF_INET_LOCAL_IN
        } else {
            NF_INET_LOCAL_OUT
        };
        let link = Arc::new(dev.attach_nf(&a, NFPROTO_IPV4, hook, i, 0).unwrap());
        let updater = {
            let (dev, link, a, b) = (dev.clone(), link.clone(), a.clone(), b.clone());
            std::thread::spawn(move || {
                for k in 0..6 {
                    let mut u: LinkUpdateAttr = sized();
                    u.link_fd = link.as_raw_fd() as u32;
                    u.prog_fd = if k % 2 == 0 {
                        b.as_raw_fd()
                    } else {
                        a.as_raw_fd()
                    } as u32;
                    match dev.call(KWASM_IOC_LINK_UPDATE, &mut u) {
                        Ok(_) => {}
                        Err(e) => assert_eq!(e.raw_os_error(), Some(libc::ENOLINK)),
                    }
                }
            })
        };
        if i % 3 == 0 {
            let mut d: LinkUpdateAttr = sized();
            d.link_fd = link.as_raw_fd() as u32;
            let _ = dev.call(KWASM_IOC_LINK_DETACH, &mut d);
        }
        updater.join().unwrap();
        drop(link);
    }
    stop.store(true, Ordering::Relaxed);
    for t in traffic {
        t.join().unwrap();
    }
}

/// Test runs of a hook program on both CPUs while its links run it on real packets: every run
/// has its CPU's instance to itself, so a per-instance counter (a global) loses nothing. The
/// program writes its counter to a per-CPU array after each run; their sum is its run count.
#[test]
fn test_runs_and_real_hooks_never_share_an_instance() {
    let _serial = one_at_a_time();
    let dev = Arc::new(Dev::open());
    let at = echo_listener("127.0.0.1:0");
    let maps = [decl("RUNS", MAP_TYPE_PERCPU_ARRAY, 4, 8, 1)];
    let import =
        r#"(import "kwasm" "map_update" (func $map_update (param i32 i32 i32 i32) (result i32)))"#;
    let body = format!(
        "(global.set $n (i64.add (global.get $n) (i64.const 1)))
         (i32.store (i32.const 0) (i32.const 0))
         (i64.store (i32.const 8) (global.get $n))
         (drop (call $map_update (i32.const {}) (i32.const 0) (i32.const 8) (i32.const 0)))
         (i32.const 1)",
        id("RUNS")
    );
    let prog = Arc::new(dev.load_nf(&wasm(&hook_wat(import, &maps, 1, &body))));
    let links: Vec<_> = [NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT]
        .into_iter()
        .map(|hook| dev.attach_nf(&prog, NFPROTO_IPV4, hook, 0, 0).unwrap())
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let traffic = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                assert!(reachable(at));
            }
        })
    };
    let runners: Vec<_> = (0..2)
        .map(|cpu| {
            let (dev, prog) = (dev.clone(), prog.clone());
            std::thread::spawn(move || {
                // SAFETY: a zeroed cpu_set_t with one CPU set, for this thread.
                unsafe {
                    let mut set: libc::cpu_set_t = std::mem::zeroed();
                    libc::CPU_SET(cpu, &mut set);
                    libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
                }
                for _ in 0..40 {
                    dev.run_packet(&prog, &udp4(9), 50).unwrap();
                }
            })
        })
        .collect();
    for r in runners {
        r.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    traffic.join().unwrap();
    drop(links);
    let mut ids = [0u32; 1];
    let info = dev.prog_info(&prog, &mut ids);
    let mut by_id: IdAttr = sized();
    by_id.id = ids[0];
    let runs_map = dev.call_fd(KWASM_IOC_MAP_GET_FD_BY_ID, &mut by_id).unwrap();
    let ncpus = dev.map_info(&runs_map).ncpus as usize;
    let per = dev
        .map_lookup(&runs_map, &0u32.to_ne_bytes(), 8 * ncpus)
        .unwrap();
    let total: u64 = per
        .chunks(8)
        .map(|c| u64::from_ne_bytes(c.try_into().unwrap()))
        .sum();
    assert!(info.run_count >= 2 * 40 * 50);
    assert_eq!(total, info.run_count, "runs lost: {per:?}");
}

/// A ring buffer's mappings: only page 0 writable, never made writable later or grown,
/// nothing past the end, no private copies; a mapping outlives the fd and the map's other
/// references, and what it shows is the ring's.
#[test]
fn ring_buffer_mappings_cannot_be_widened() {
    let dev = Dev::open();
    let ring = dev.map_create(MAP_TYPE_RINGBUF, 0, 0, 4096).unwrap();
    let fd = ring.as_raw_fd();
    let page = 4096usize;
    let map = |len: usize, prot: i32, flags: i32, off: i64| {
        // SAFETY: a new mapping of the ring fd; nothing else is touched.
        let p = unsafe { libc::mmap(std::ptr::null_mut(), len, prot, flags, fd, off) };
        if p == libc::MAP_FAILED {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(p)
        }
    };
    let (rw, ro, shared) = (
        libc::PROT_READ | libc::PROT_WRITE,
        libc::PROT_READ,
        libc::MAP_SHARED,
    );
    assert_eq!(err(map(page, rw, shared, page as i64)), libc::EPERM);
    assert_eq!(err(map(2 * page, rw, shared, 0)), libc::EPERM);
    assert_eq!(err(map(page, ro, libc::MAP_PRIVATE, 0)), libc::EINVAL);
    assert_eq!(err(map(4 * page, ro, shared, 0)), libc::EINVAL);
    assert_eq!(err(map(page, ro, shared, 3 * page as i64)), libc::EINVAL);
    assert!(map(page, ro, shared, 1 << 62).is_err());
    let consumer = map(page, rw, shared, 0).unwrap();
    let all = map(3 * page, ro, shared, 0).unwrap();
    // SAFETY: our own mappings, changed or unmapped only here.
    unsafe {
        assert_eq!(libc::mprotect(all, 3 * page, rw), -1);
        assert_eq!(
            std::io::Error::last_os_error().raw_os_error(),
            Some(libc::EACCES)
        );
        let grown = libc::mremap(consumer, page, 2 * page, libc::MREMAP_MAYMOVE);
        assert_eq!(
            grown,
            libc::MAP_FAILED,
            "the writable page grew over the producer page"
        );
        // What userspace writes to page 0 is what the kernel reads; the producer page stays.
        *(consumer as *mut u64) = 8;
        drop(ring);
        assert_eq!(*(all as *const u64), 8);
        assert_eq!(*(all as *const u64).add(page / 8), 0);
        libc::munmap(consumer, page);
        libc::munmap(all, 3 * page);
    }
}

/// Poll waiters and mappings of a ring buffer whose program, fd and map go while they wait.
#[test]
fn a_polled_ring_buffer_goes_while_polled() {
    let dev = Arc::new(Dev::open());
    let ring = dev.map_create(MAP_TYPE_RINGBUF, 0, 0, 4096).unwrap();
    // SAFETY: epoll on our own fds.
    let ep = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    assert!(ep >= 0);
    let mut ev = libc::epoll_event {
        events: libc::EPOLLIN as u32,
        u64: 1,
    };
    // SAFETY: as above.
    assert_eq!(
        unsafe { libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, ring.as_raw_fd(), &mut ev) },
        0
    );
    let waiter = std::thread::spawn(move || {
        let mut out = [libc::epoll_event { events: 0, u64: 0 }; 1];
        // SAFETY: as above.
        unsafe { libc::epoll_wait(ep, out.as_mut_ptr(), 1, 2000) }
    });
    std::thread::sleep(Duration::from_millis(300));
    drop(ring);
    let _ = waiter.join().unwrap();
    // SAFETY: ours.
    unsafe { libc::close(ep) };
}

/// How long one `MAP_GET_NEXT_KEY` holds a big, empty hash map's lock (interrupts off on that
/// CPU): it walks every bucket (2^20 of them) looking for a first key. Measured, not judged.
#[test]
fn next_key_of_an_empty_big_hash_map_walks_every_bucket() {
    let _serial = one_at_a_time();
    let dev = Dev::open();
    let map = dev
        .map_create(kwasm_hooks::map::MAP_TYPE_HASH, 4, 8, 1 << 20)
        .unwrap();
    let best = (0..3)
        .map(|_| {
            let start = std::time::Instant::now();
            assert_eq!(err(dev.map_next_key(&map, None, 4)), libc::ENOENT);
            start.elapsed()
        })
        .min()
        .unwrap();
    println!("next_key of an empty hash map of 2^20 entries: {best:?} with interrupts off");
}

/// Pins are module-wide names without an owner, so a CAP_BPF-only caller could open a pinned
/// link, unpin it and close its fd: the last reference would go and the link detach, though
/// detaching needs CAP_NET_ADMIN. Opening a link (by pin or id) and unpinning one need what
/// detaching needs.
#[test]
fn a_cap_bpf_only_caller_cannot_unpin_a_link_away() {
    use kwasm_hooks::pin::PinAttr;
    let _serial = one_at_a_time();
    let dev = Dev::open();
    let at = echo_listener("127.0.0.1:0");
    let drop_all = dev.load_nf(&wasm(&filters::constant(0)));
    let link = dev
        .attach_nf(&drop_all, NFPROTO_IPV4, NF_INET_LOCAL_IN, 0, 0)
        .unwrap();
    let name = "review/firewall";
    let mut pin: PinAttr = sized();
    pin.fd = link.as_raw_fd() as u32;
    pin.name = name.as_ptr() as u64;
    pin.name_len = name.len() as u32;
    dev.call(KWASM_IOC_OBJ_PIN, &mut pin).unwrap();
    let id = dev.link_info(&link).id;
    drop(link);
    assert!(unreachable(at), "the pinned link stopped dropping");
    let mut get: PinAttr = sized();
    get.name = name.as_ptr() as u64;
    get.name_len = name.len() as u32;
    let mut unpin = get;
    let code = in_child(|| {
        if !drop_to_cap_bpf() {
            return 10;
        }
        match dev.call(KWASM_IOC_OBJ_GET, &mut get) {
            Ok(fd) => {
                // SAFETY: the fd OBJ_GET made for us.
                unsafe { libc::close(fd) };
                return 11;
            }
            Err(e) if e.raw_os_error() != Some(libc::EPERM) => return 13,
            Err(_) => {}
        }
        let mut by_id: IdAttr = sized();
        by_id.id = id;
        if dev.call(KWASM_IOC_LINK_GET_FD_BY_ID, &mut by_id).is_ok() {
            return 14;
        }
        match dev.call(KWASM_IOC_OBJ_UNPIN, &mut unpin) {
            Ok(_) => 12,
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => 0,
            Err(_) => 15,
        }
    });
    let mut by_id: IdAttr = sized();
    by_id.id = id;
    let still = dev.call_fd(KWASM_IOC_LINK_GET_FD_BY_ID, &mut by_id);
    let _ = dev.call(KWASM_IOC_OBJ_UNPIN, &mut unpin);
    assert_eq!(
        code,
        0,
        "a CAP_BPF-only child unpinned the link (it is {}): traffic flows again: {}",
        if still.is_ok() {
            "still there"
        } else {
            "gone, detached"
        },
        reachable(at)
    );
}
