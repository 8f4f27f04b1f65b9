//! Netfilter links against real loopback traffic: attach, drop, count, update, detach; hostile
//! programs keep traffic flowing; links closed under traffic; pins; module unload.

use kwasm_hooks::ioctl::*;
use kwasm_hooks::link::{LinkUpdateAttr, LINK_DEFAULT_DROP};
use kwasm_hooks::netfilter::{NFPROTO_IPV4, NFPROTO_IPV6, NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT};
use kwasm_hooks::pin::{PinAttr, PinNextAttr, OBJ_LINK};
use kwasm_hooks::trap::{TRAP_OUT_OF_FUEL, TRAP_UNREACHABLE};
use kwasm_vmtests::filters;
use kwasm_vmtests::raw::{sized, Dev};
use kwasm_vmtests::traffic::{echo_listener, exchange, reachable, unreachable};
use kwasm_vmtests::{one_at_a_time, wasm};
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::Duration;

fn map_named(dev: &Dev, prog: &OwnedFd, name: &str) -> OwnedFd {
    let mut ids = [0u32; 8];
    let info = dev.prog_info(prog, &mut ids);
    ids[..info.nr_map_ids as usize]
        .iter()
        .map(|&mid| {
            let mut a: kwasm_hooks::attr::IdAttr = sized();
            a.id = mid;
            dev.call_fd(KWASM_IOC_MAP_GET_FD_BY_ID, &mut a).unwrap()
        })
        .find(|fd| kwasm_hooks::map::name_bytes(&dev.map_info(fd).name) == name.as_bytes())
        .unwrap()
}

fn drops_from(dev: &Dev, drops: &OwnedFd, addr: [u8; 4]) -> u64 {
    dev.map_lookup(drops, &addr, 8)
        .map_or(0, |v| u64::from_ne_bytes(v.try_into().unwrap()))
}

fn update(dev: &Dev, link: &OwnedFd, prog: &OwnedFd) -> std::io::Result<i32> {
    let mut a: LinkUpdateAttr = sized();
    a.link_fd = link.as_raw_fd() as u32;
    a.prog_fd = prog.as_raw_fd() as u32;
    dev.call(KWASM_IOC_LINK_UPDATE, &mut a)
}

#[test]
fn the_port_filter_drops_real_connections_until_detached() {
    let _serial = one_at_a_time();
    let dev = Dev::open();
    let filtered = echo_listener("127.0.0.1:0");
    let other = echo_listener("127.0.0.1:0");
    let prog = dev.load_nf(&wasm(&filters::port_filter()));
    let config = map_named(&dev, &prog, "CONFIG");
    let drops = map_named(&dev, &prog, "DROPS");
    dev.map_update(
        &config,
        &0u32.to_ne_bytes(),
        &u32::from(filtered.port()).to_ne_bytes(),
        0,
    )
    .unwrap();
    let link = dev
        .attach_nf(&prog, NFPROTO_IPV4, NF_INET_LOCAL_IN, 0, 0)
        .unwrap();
    assert!(unreachable(filtered), "the filtered port answered");
    assert!(reachable(other), "another port stopped working");
    let info = dev.link_info(&link);
    let counted = drops_from(&dev, &drops, [127, 0, 0, 1]);
    assert!(counted >= 1, "no drop counted");
    assert_eq!(
        counted, info.dropped,
        "the map's count and the link's differ"
    );
    assert_eq!(info.attached, 1);
    assert!(info.accepted > 0 && info.runs >= info.accepted + info.dropped);
    // LINK_UPDATE to a program that accepts everything: no detach, traffic flows.
    let accept = dev.load_nf(&wasm(&filters::constant(1)));
    update(&dev, &link, &accept).unwrap();
    assert!(reachable(filtered));
    assert_eq!(
        dev.link_info(&link).prog_id,
        dev.prog_info(&accept, &mut []).id
    );
    update(&dev, &link, &prog).unwrap();
    assert!(unreachable(filtered));
    // Dropping the link (its last fd) detaches.
    drop(link);
    assert!(reachable(filtered));
}

#[test]
fn ipv6_traffic_is_filtered_by_an_ipv6_link() {
    let _serial = one_at_a_time();
    let dev = Dev::open();
    let at = echo_listener("[::1]:0");
    let drop_all = dev.load_nf(&wasm(&filters::constant(0)));
    let link = dev
        .attach_nf(&drop_all, NFPROTO_IPV6, NF_INET_LOCAL_OUT, 0, 0)
        .unwrap();
    assert!(unreachable(at));
    assert!(
        reachable(echo_listener("127.0.0.1:0")),
        "an IPv6 link dropped IPv4"
    );
    drop(link);
    assert!(reachable(at));
}

#[test]
fn hostile_programs_keep_traffic_flowing_and_are_counted() {
    let _serial = one_at_a_time();
    let dev = Dev::open();
    let at = echo_listener("127.0.0.1:0");
    for (wat, trap) in [
        (filters::trapping(), TRAP_UNREACHABLE),
        (filters::looping(), TRAP_OUT_OF_FUEL),
    ] {
        let prog = dev.load_nf(&wasm(&wat));
        let link = dev
            .attach_nf(&prog, NFPROTO_IPV4, NF_INET_LOCAL_IN, 0, 0)
            .unwrap();
        assert!(reachable(at));
        let info = dev.link_info(&link);
        assert!(info.traps[trap as usize] > 0, "{info:?}");
        assert_eq!(info.accepted + info.dropped, 0);
    }
    let garbage = dev.load_nf(&wasm(&filters::constant(12345)));
    let link = dev
        .attach_nf(&garbage, NFPROTO_IPV4, NF_INET_LOCAL_IN, 0, 0)
        .unwrap();
    assert!(reachable(at));
    assert!(dev.link_info(&link).bad_verdicts > 0);
    drop(link);
    // With a default of DROP, a trapping program drops.
    let trap = dev.load_nf(&wasm(&filters::trapping()));
    let link = dev
        .attach_nf(&trap, NFPROTO_IPV4, NF_INET_LOCAL_IN, 0, LINK_DEFAULT_DROP)
        .unwrap();
    assert!(unreachable(at));
    drop(link);
    assert!(reachable(at));
}

#[test]
fn links_and_programs_closed_while_packets_flow() {
    let _serial = one_at_a_time();
    let dev = std::sync::Arc::new(Dev::open());
    let at = echo_listener("127.0.0.1:0");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let traffic: Vec<_> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = exchange(at, Duration::from_millis(500));
                }
            })
        })
        .collect();
    for i in 0..40 {
        let prog = dev.load_nf(&wasm(&filters::constant(1)));
        let link = dev
            .attach_nf(
                &prog,
                NFPROTO_IPV4,
                if i % 2 == 0 {
                    NF_INET_LOCAL_IN
                } else {
                    NF_INET_LOCAL_OUT
                },
                i,
                0,
            )
            .unwrap();
        let other = dev.load_nf(&wasm(&filters::trapping()));
        update(&dev, &link, &other).unwrap();
        // The program goes first (the link keeps it), then the link.
        drop((prog, other));
        std::thread::sleep(Duration::from_millis(5));
        drop(link);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in traffic {
        t.join().unwrap();
    }
    assert!(reachable(at));
}

#[test]
fn bad_link_attrs_are_refused() {
    let _serial = one_at_a_time();
    let dev = Dev::open();
    let prog = dev.load_nf(&wasm(&filters::constant(1)));
    let e = |r: std::io::Result<OwnedFd>| r.unwrap_err().raw_os_error().unwrap();
    assert_eq!(
        e(dev.attach_nf(&prog, 7, NF_INET_LOCAL_IN, 0, 0)),
        libc::EINVAL
    );
    assert_eq!(e(dev.attach_nf(&prog, NFPROTO_IPV4, 5, 0, 0)), libc::EINVAL);
    assert_eq!(
        e(dev.attach_nf(&prog, NFPROTO_IPV4, 0, i32::MIN, 0)),
        libc::EINVAL
    );
    assert_eq!(
        e(dev.attach_nf(&prog, NFPROTO_IPV4, 0, 0, 0x80)),
        libc::EINVAL
    );
    let test_prog = dev.load(&wasm("(module)"), 0, |_| {}).unwrap();
    assert_eq!(
        e(dev.attach_nf(&test_prog, NFPROTO_IPV4, 0, 0, 0)),
        libc::EINVAL
    );
    let map = dev.map_create(1, 4, 4, 1).unwrap();
    assert_eq!(e(dev.attach_nf(&map, NFPROTO_IPV4, 0, 0, 0)), libc::EBADF);
    // Update with a program of another type, detach twice.
    let link = dev
        .attach_nf(&prog, NFPROTO_IPV4, NF_INET_LOCAL_IN, 0, 0)
        .unwrap();
    assert_eq!(
        update(&dev, &link, &test_prog).unwrap_err().raw_os_error(),
        Some(libc::EINVAL)
    );
    let mut a: LinkUpdateAttr = sized();
    a.link_fd = link.as_raw_fd() as u32;
    dev.call(KWASM_IOC_LINK_DETACH, &mut a).unwrap();
    assert_eq!(
        dev.call(KWASM_IOC_LINK_DETACH, &mut a)
            .unwrap_err()
            .raw_os_error(),
        Some(libc::ENOLINK)
    );
    assert_eq!(
        update(&dev, &link, &prog).unwrap_err().raw_os_error(),
        Some(libc::ENOLINK)
    );
    let info = dev.link_info(&link);
    assert_eq!((info.attached, info.prog_id), (0, 0));
}

fn pin(dev: &Dev, cmd: u32, fd: u32, name: &str) -> std::io::Result<i32> {
    let mut a: PinAttr = sized();
    a.fd = fd;
    a.name = name.as_ptr() as u64;
    a.name_len = name.len() as u32;
    dev.call(cmd, &mut a)
}

fn pinned_names(dev: &Dev) -> Vec<(String, u32)> {
    let mut out = vec![];
    let mut prev = Vec::new();
    loop {
        let mut buf = [0u8; 256];
        let mut a: PinNextAttr = sized();
        a.name = prev.as_ptr() as u64;
        a.name_len = prev.len() as u32;
        a.next = buf.as_mut_ptr() as u64;
        a.next_size = 256;
        if dev.call(KWASM_IOC_PIN_GET_NEXT, &mut a).is_err() {
            return out;
        }
        prev = buf[..a.next_size as usize].to_vec();
        out.push((String::from_utf8(prev.clone()).unwrap(), a.kind));
    }
}

#[test]
fn a_pinned_link_outlives_its_fds_and_holds_the_module() {
    let _serial = one_at_a_time();
    let dev = Dev::open();
    let at = echo_listener("127.0.0.1:0");
    let prog = dev.load_nf(&wasm(&filters::constant(0)));
    let link = dev
        .attach_nf(&prog, NFPROTO_IPV4, NF_INET_LOCAL_IN, 0, 0)
        .unwrap();
    pin(
        &dev,
        KWASM_IOC_OBJ_PIN,
        link.as_raw_fd() as u32,
        "test/drop-all",
    )
    .unwrap();
    let e = pin(
        &dev,
        KWASM_IOC_OBJ_PIN,
        prog.as_raw_fd() as u32,
        "test/drop-all",
    )
    .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EEXIST));
    for bad in ["", "a b", "../x\n"] {
        let e = pin(&dev, KWASM_IOC_OBJ_PIN, prog.as_raw_fd() as u32, bad).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{bad:?}");
    }
    assert!(pinned_names(&dev).contains(&("test/drop-all".to_string(), OBJ_LINK)));
    drop((link, prog, dev));
    assert!(unreachable(at), "the pinned link stopped dropping");
    // With no fd open, the pin alone holds the module: it cannot be unloaded.
    let refcnt = std::fs::read_to_string("/sys/module/kwasm/refcnt").unwrap();
    assert_eq!(refcnt.trim(), "1");
    let e = kwasm_vmtests::delete_module("kwasm").unwrap_err();
    assert!(
        matches!(
            e.raw_os_error(),
            Some(libc::EWOULDBLOCK) | Some(libc::EBUSY)
        ),
        "{e}"
    );
    let dev = Dev::open();
    // Get it back by name, then unpin: the last reference goes and the link detaches.
    let fd = pin(&dev, KWASM_IOC_OBJ_GET, 0, "test/drop-all").unwrap();
    // SAFETY: a new fd from the kernel.
    let again = unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    assert_eq!(dev.link_info(&again).attached, 1);
    pin(&dev, KWASM_IOC_OBJ_UNPIN, 0, "test/drop-all").unwrap();
    assert_eq!(
        pin(&dev, KWASM_IOC_OBJ_UNPIN, 0, "test/drop-all")
            .unwrap_err()
            .raw_os_error(),
        Some(libc::ENOENT)
    );
    assert!(unreachable(at), "our fd still holds the link");
    drop(again);
    assert!(reachable(at));
}
