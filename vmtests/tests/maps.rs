//! Maps through the ioctls: creation limits, the element commands and their errnos, batches,
//! ids, per-CPU values, ring buffers (mmap, poll, drops) and concurrent hooks and userspace.

use kwasm_hooks::attr::IdAttr;
use kwasm_hooks::ioctl::*;
use kwasm_hooks::map::*;
use kwasm_vmtests::raw::{decl, id, nf_wat, sized, udp4, Dev};
use kwasm_vmtests::{pin_to_cpu, wasm};
use std::os::fd::{AsRawFd, OwnedFd};

fn errno<T: std::fmt::Debug>(r: std::io::Result<T>) -> i32 {
    r.unwrap_err().raw_os_error().unwrap()
}

fn u64_of(v: &[u8]) -> u64 {
    u64::from_ne_bytes(v[..8].try_into().unwrap())
}

#[test]
fn creation_is_bounded_and_checked() {
    let dev = Dev::open();
    for t in [
        MAP_TYPE_HASH,
        MAP_TYPE_ARRAY,
        MAP_TYPE_PERCPU_HASH,
        MAP_TYPE_PERCPU_ARRAY,
        MAP_TYPE_LRU_HASH,
    ] {
        let m = dev
            .map_create(t, 4, 8, 64)
            .unwrap_or_else(|e| panic!("type {t}: {e}"));
        let info = dev.map_info(&m);
        assert_eq!(
            (
                info.map_type,
                info.key_size,
                info.value_size,
                info.max_entries
            ),
            (t, 4, 8, 64)
        );
        assert!(info.id > 0 && info.bytes > 0);
    }
    dev.map_create(MAP_TYPE_RINGBUF, 0, 0, 1 << 16).unwrap();
    assert_eq!(errno(dev.map_create(0, 4, 8, 1)), libc::EINVAL);
    assert_eq!(errno(dev.map_create(MAP_TYPE_COUNT, 4, 8, 1)), libc::EINVAL);
    assert_eq!(errno(dev.map_create(MAP_TYPE_HASH, 0, 8, 1)), libc::EINVAL);
    assert_eq!(errno(dev.map_create(MAP_TYPE_HASH, 4, 0, 1)), libc::EINVAL);
    assert_eq!(errno(dev.map_create(MAP_TYPE_HASH, 4, 8, 0)), libc::EINVAL);
    assert_eq!(errno(dev.map_create(MAP_TYPE_ARRAY, 8, 8, 1)), libc::EINVAL);
    let e = errno(dev.map_create(MAP_TYPE_HASH, 4, 4096, 1 << 20));
    assert!(e == libc::E2BIG || e == libc::EINVAL, "{e}");
    assert_eq!(
        errno(dev.map_create(MAP_TYPE_RINGBUF, 0, 0, 5000)),
        libc::EINVAL
    );
    let mut a: MapCreateAttr = sized();
    (a.map_type, a.key_size, a.value_size, a.max_entries, a.flags) = (MAP_TYPE_HASH, 4, 8, 1, 1);
    assert_eq!(errno(dev.call(KWASM_IOC_MAP_CREATE, &mut a)), libc::EINVAL);
}

#[test]
fn hash_elements_follow_bpf_semantics() {
    let dev = Dev::open();
    let m = dev.map_create(MAP_TYPE_HASH, 4, 8, 2).unwrap();
    let k = |n: u32| n.to_ne_bytes();
    dev.map_update(&m, &k(1), &10u64.to_ne_bytes(), MAP_UPDATE_NOEXIST)
        .unwrap();
    assert_eq!(
        errno(dev.map_update(&m, &k(1), &11u64.to_ne_bytes(), MAP_UPDATE_NOEXIST)),
        libc::EEXIST
    );
    assert_eq!(
        errno(dev.map_update(&m, &k(2), &11u64.to_ne_bytes(), MAP_UPDATE_EXIST)),
        libc::ENOENT
    );
    dev.map_update(&m, &k(2), &20u64.to_ne_bytes(), MAP_UPDATE_ANY)
        .unwrap();
    // Full: a third key is E2BIG and changes nothing.
    assert_eq!(
        errno(dev.map_update(&m, &k(3), &30u64.to_ne_bytes(), MAP_UPDATE_ANY)),
        libc::E2BIG
    );
    assert_eq!(errno(dev.map_lookup(&m, &k(3), 8)), libc::ENOENT);
    assert_eq!(u64_of(&dev.map_lookup(&m, &k(1), 8).unwrap()), 10);
    assert_eq!(errno(dev.map_update(&m, &k(1), &[0; 8], 7)), libc::EINVAL);
    // Walk all keys.
    let mut keys = vec![];
    let mut cur: Option<Vec<u8>> = None;
    while let Ok(next) = dev.map_next_key(&m, cur.as_deref(), 4) {
        keys.push(u32::from_ne_bytes(next[..].try_into().unwrap()));
        cur = Some(next);
    }
    keys.sort();
    assert_eq!(keys, [1, 2]);
    dev.map_delete(&m, &k(1)).unwrap();
    assert_eq!(errno(dev.map_delete(&m, &k(1))), libc::ENOENT);
    assert_eq!(dev.map_info(&m).entries, 1);
}

#[test]
fn lru_hash_evicts_instead_of_refusing() {
    let dev = Dev::open();
    let m = dev.map_create(MAP_TYPE_LRU_HASH, 4, 8, 4).unwrap();
    for n in 0u32..10 {
        dev.map_update(&m, &n.to_ne_bytes(), &u64::from(n).to_ne_bytes(), 0)
            .unwrap();
    }
    assert_eq!(dev.map_info(&m).entries, 4);
    assert_eq!(
        u64_of(&dev.map_lookup(&m, &9u32.to_ne_bytes(), 8).unwrap()),
        9
    );
    assert_eq!(
        errno(dev.map_lookup(&m, &0u32.to_ne_bytes(), 8)),
        libc::ENOENT
    );
}

#[test]
fn arrays_have_every_index_and_no_deletes() {
    let dev = Dev::open();
    let m = dev.map_create(MAP_TYPE_ARRAY, 4, 8, 4).unwrap();
    assert_eq!(
        u64_of(&dev.map_lookup(&m, &3u32.to_ne_bytes(), 8).unwrap()),
        0
    );
    assert_eq!(
        errno(dev.map_lookup(&m, &4u32.to_ne_bytes(), 8)),
        libc::ENOENT
    );
    assert_eq!(
        errno(dev.map_update(&m, &4u32.to_ne_bytes(), &[0; 8], 0)),
        libc::E2BIG
    );
    assert_eq!(
        errno(dev.map_update(&m, &1u32.to_ne_bytes(), &[0; 8], MAP_UPDATE_NOEXIST)),
        libc::EEXIST
    );
    assert_eq!(errno(dev.map_delete(&m, &1u32.to_ne_bytes())), libc::EINVAL);
}

#[test]
fn per_cpu_values_are_one_per_possible_cpu() {
    let dev = Dev::open();
    let m = dev.map_create(MAP_TYPE_PERCPU_ARRAY, 4, 4, 2).unwrap();
    let ncpus = dev.map_info(&m).ncpus as usize;
    assert!(ncpus >= 2);
    let stride = 8;
    let mut v = vec![0u8; ncpus * stride];
    for c in 0..ncpus {
        v[c * stride..c * stride + 4].copy_from_slice(&(c as u32 + 100).to_ne_bytes());
    }
    dev.map_update(&m, &1u32.to_ne_bytes(), &v, 0).unwrap();
    assert_eq!(
        dev.map_lookup(&m, &1u32.to_ne_bytes(), ncpus * stride)
            .unwrap(),
        v
    );
}

#[test]
fn bad_fds_and_user_pointers_change_nothing() {
    let dev = Dev::open();
    let m = dev.map_create(MAP_TYPE_HASH, 4, 8, 4).unwrap();
    let prog = dev.load_nf(&wasm(&kwasm_vmtests::filters::constant(1)));
    let mut a: MapElemAttr = sized();
    a.map_fd = prog.as_raw_fd() as u32;
    let k = 1u32.to_ne_bytes();
    a.key = k.as_ptr() as u64;
    assert_eq!(
        errno(dev.call(KWASM_IOC_MAP_LOOKUP_ELEM, &mut a)),
        libc::EBADF
    );
    a.map_fd = 9999;
    assert_eq!(
        errno(dev.call(KWASM_IOC_MAP_LOOKUP_ELEM, &mut a)),
        libc::EBADF
    );
    a.map_fd = m.as_raw_fd() as u32;
    a.key = 16;
    a.value = 16;
    assert_eq!(
        errno(dev.call(KWASM_IOC_MAP_UPDATE_ELEM, &mut a)),
        libc::EFAULT
    );
    assert_eq!(dev.map_info(&m).entries, 0);
    // An attr larger than the kernel knows, with a non-zero tail.
    let mut big = [0u8; 128];
    big[..4].copy_from_slice(&128u32.to_ne_bytes());
    big[4..8].copy_from_slice(&(m.as_raw_fd() as u32).to_ne_bytes());
    big[100] = 1;
    // SAFETY: a 128-byte buffer the kernel may read and write.
    let ret = unsafe { libc::ioctl(dev.raw_fd(), KWASM_IOC_MAP_GET_INFO as _, big.as_mut_ptr()) };
    assert_eq!(
        (ret, std::io::Error::last_os_error().raw_os_error()),
        (-1, Some(libc::E2BIG))
    );
    // A truncated one (smaller than the first version of the struct).
    let mut small = [0u8; 8];
    small[..4].copy_from_slice(&8u32.to_ne_bytes());
    // SAFETY: as above.
    let ret = unsafe { libc::ioctl(dev.raw_fd(), KWASM_IOC_MAP_CREATE as _, small.as_mut_ptr()) };
    assert_eq!(
        (ret, std::io::Error::last_os_error().raw_os_error()),
        (-1, Some(libc::EINVAL))
    );
}

#[test]
fn batches_dump_a_large_map_in_few_calls() {
    let dev = Dev::open();
    let m = dev.map_create(MAP_TYPE_HASH, 4, 8, 5000).unwrap();
    for n in 0u32..5000 {
        dev.map_update(&m, &n.to_ne_bytes(), &u64::from(n * 3).to_ne_bytes(), 0)
            .unwrap();
    }
    let mut seen = std::collections::BTreeMap::new();
    let mut cursor = [0u8; 4];
    let mut first = true;
    let mut calls = 0;
    loop {
        let mut keys = vec![0u8; 4 * 2048];
        let mut values = vec![0u8; 8 * 2048];
        let mut out = [0u8; 4];
        let mut a: MapBatchAttr = sized();
        a.map_fd = m.as_raw_fd() as u32;
        a.in_batch = if first { 0 } else { cursor.as_ptr() as u64 };
        a.out_batch = out.as_mut_ptr() as u64;
        a.keys = keys.as_mut_ptr() as u64;
        a.values = values.as_mut_ptr() as u64;
        a.count = 2048;
        let r = dev.call(KWASM_IOC_MAP_LOOKUP_BATCH, &mut a);
        calls += 1;
        for i in 0..a.count as usize {
            let k = u32::from_ne_bytes(keys[4 * i..4 * i + 4].try_into().unwrap());
            let v = u64::from_ne_bytes(values[8 * i..8 * i + 8].try_into().unwrap());
            assert!(seen.insert(k, v).is_none(), "key {k} twice");
        }
        match r {
            Ok(_) => {
                cursor = out;
                first = false;
            }
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
                break;
            }
        }
    }
    assert_eq!(seen.len(), 5000);
    assert!(seen.iter().all(|(k, v)| *v == u64::from(*k) * 3));
    assert!(calls <= 4, "{calls} calls");
}

#[test]
fn map_ids_walk_and_open() {
    let dev = Dev::open();
    let m = dev.map_create(MAP_TYPE_ARRAY, 4, 8, 1).unwrap();
    let my = dev.map_info(&m).id;
    let mut ids = vec![];
    let mut a: IdAttr = sized();
    while dev.call(KWASM_IOC_MAP_GET_NEXT_ID, &mut a).is_ok() {
        ids.push(a.next_id);
        a.id = a.next_id;
    }
    assert!(ids.contains(&my));
    let mut a: IdAttr = sized();
    a.id = my;
    let again = dev.call_fd(KWASM_IOC_MAP_GET_FD_BY_ID, &mut a).unwrap();
    dev.map_update(&again, &0u32.to_ne_bytes(), &5u64.to_ne_bytes(), 0)
        .unwrap();
    assert_eq!(
        u64_of(&dev.map_lookup(&m, &0u32.to_ne_bytes(), 8).unwrap()),
        5
    );
    drop((m, again));
    let mut a: IdAttr = sized();
    a.id = my;
    assert_eq!(
        errno(dev.call(KWASM_IOC_MAP_GET_FD_BY_ID, &mut a)),
        libc::ENOENT
    );
}

/// A counter program: adds 1 to `COUNTS[0]` (hash) and `PERCPU[0]` (per-CPU array) per run.
fn counter_program(dev: &Dev, counts: &OwnedFd, percpu: &OwnedFd) -> OwnedFd {
    let maps = [
        decl("COUNTS", MAP_TYPE_HASH, 4, 8, 16),
        decl("PERCPU", MAP_TYPE_PERCPU_ARRAY, 4, 8, 1),
    ];
    let body = format!(
        "(i32.store (i32.const 512) (i32.const 0))
         (drop (call $map_add (i32.const {}) (i32.const 512) (i32.const 0) (i64.const 1)))
         (drop (call $map_add (i32.const {}) (i32.const 512) (i32.const 0) (i64.const 1)))
         (i32.const 1)",
        id("COUNTS"),
        id("PERCPU")
    );
    dev.load_nf_bound(
        &wasm(&nf_wat(&maps, &body)),
        &[("COUNTS", counts), ("PERCPU", percpu)],
    )
}

#[test]
fn hooks_on_two_cpus_and_userspace_lose_no_increments() {
    let dev = std::sync::Arc::new(Dev::open());
    let counts = dev.map_create(MAP_TYPE_HASH, 4, 8, 16).unwrap();
    let percpu = dev.map_create(MAP_TYPE_PERCPU_ARRAY, 4, 8, 1).unwrap();
    let prog = std::sync::Arc::new(counter_program(&dev, &counts, &percpu));
    const RUNS: u32 = 2000;
    let workers: Vec<_> = (0..2)
        .map(|cpu| {
            let (dev, prog) = (dev.clone(), prog.clone());
            std::thread::spawn(move || {
                pin_to_cpu(cpu);
                for _ in 0..RUNS / 100 {
                    dev.run_packet(&prog, &udp4(1), 100).unwrap();
                }
            })
        })
        .collect();
    // Meanwhile userspace rewrites another key of the same hash map.
    for n in 0u64..500 {
        dev.map_update(&counts, &7u32.to_ne_bytes(), &n.to_ne_bytes(), 0)
            .unwrap();
    }
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(
        u64_of(&dev.map_lookup(&counts, &0u32.to_ne_bytes(), 8).unwrap()),
        2 * u64::from(RUNS)
    );
    assert_eq!(
        u64_of(&dev.map_lookup(&counts, &7u32.to_ne_bytes(), 8).unwrap()),
        499
    );
    let ncpus = dev.map_info(&percpu).ncpus as usize;
    let per = dev
        .map_lookup(&percpu, &0u32.to_ne_bytes(), ncpus * 8)
        .unwrap();
    let per: Vec<u64> = per.chunks(8).map(u64_of).collect();
    assert_eq!(&per[..2], &[u64::from(RUNS), u64::from(RUNS)], "{per:?}");
    assert!(per[2..].iter().all(|&v| v == 0));
}

/// The ring buffer's three parts, mapped.
struct Mapped {
    consumer: *mut u64,
    producer: *const u64,
    data: *const u8,
    size: usize,
}

fn map_ring(fd: &OwnedFd, size: usize) -> Mapped {
    let page = 4096;
    // SAFETY: mappings of the ring fd, as its layout says; never unmapped in these tests.
    unsafe {
        let c = libc::mmap(
            std::ptr::null_mut(),
            page,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd.as_raw_fd(),
            0,
        );
        assert_ne!(c, libc::MAP_FAILED);
        let p = libc::mmap(
            std::ptr::null_mut(),
            page + size,
            libc::PROT_READ,
            libc::MAP_SHARED,
            fd.as_raw_fd(),
            page as i64,
        );
        assert_ne!(p, libc::MAP_FAILED);
        Mapped {
            consumer: c.cast(),
            producer: p.cast(),
            data: p.cast::<u8>().add(page),
            size,
        }
    }
}

#[test]
fn ring_buffer_records_reach_a_reader_in_order_and_drops_are_counted() {
    let dev = Dev::open();
    let size = 4096;
    let ring = dev.map_create(MAP_TYPE_RINGBUF, 0, 0, size as u32).unwrap();
    // The data pages cannot be mapped writable, nor the producer page.
    // SAFETY: a mapping attempt the kernel refuses.
    let w = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_WRITE,
            libc::MAP_SHARED,
            ring.as_raw_fd(),
            4096,
        )
    };
    assert_eq!(w, libc::MAP_FAILED);
    let maps = [decl("EVENTS", MAP_TYPE_RINGBUF, 0, 0, size as u32)];
    // Each run outputs 100 bytes: the first 8 the packet length, then the window.
    let body = format!("(call $ringbuf_output (i32.const {}) (i32.add (local.get $ctx) (i32.const 12)) (i32.const 100))", id("EVENTS"));
    let prog = dev.load_nf_bound(&wasm(&nf_wat(&maps, &body)), &[("EVENTS", &ring)]);
    let m = map_ring(&ring, size);
    // Nothing yet: poll says not readable.
    let mut pfd = libc::pollfd {
        fd: ring.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one pollfd.
    assert_eq!(unsafe { libc::poll(&mut pfd, 1, 0) }, 0);
    let per = 8 + 104;
    let fit = size / per;
    for _ in 0..fit + 5 {
        let (v, t) = dev.run_packet(&prog, &udp4(1), 1).unwrap();
        assert_eq!(t, 0);
        assert!(v == 0 || v as i32 == -libc::ENOSPC, "{v}");
    }
    // SAFETY: as above.
    assert_eq!(unsafe { libc::poll(&mut pfd, 1, 1000) }, 1);
    assert_eq!(dev.map_info(&ring).dropped, 5);
    // SAFETY: reading the mapped producer page; the consumer page is ours to write.
    unsafe {
        let prod = std::ptr::read_volatile(m.producer);
        assert_eq!(prod as usize, fit * per);
        assert_eq!(std::ptr::read_volatile(m.producer.add(1)), 5);
        let mut pos = 0usize;
        while pos < prod as usize {
            let len = std::ptr::read_volatile(m.data.add(pos % m.size).cast::<u32>());
            assert_eq!(len, 100);
            pos += per;
        }
        std::ptr::write_volatile(m.consumer, pos as u64);
    }
    // SAFETY: as above.
    assert_eq!(unsafe { libc::poll(&mut pfd, 1, 0) }, 0);
    // Consumed: room again.
    assert_eq!(dev.run_packet(&prog, &udp4(1), 1).unwrap(), (0, 0));
}

/// A program that sets `TABLE[src] = src * 2` for a TCP SYN from `src` and deletes `TABLE[src]`
/// for any other TCP packet.
fn table_program(dev: &Dev, table: &OwnedFd) -> OwnedFd {
    let maps = [decl("TABLE", MAP_TYPE_HASH, 4, 8, 4096)];
    let body = format!(
        "(i32.store (i32.const 512) (i32.load offset=44 (local.get $ctx)))
         (i64.store (i32.const 520) (i64.mul (i64.extend_i32_u (i32.load (i32.const 512))) (i64.const 2)))
         (if (result i32) (i32.and (i32.load8_u offset=65 (local.get $ctx)) (i32.const 2))
           (then (call $map_update (i32.const {t}) (i32.const 512) (i32.const 520) (i32.const 0)))
           (else (call $map_delete (i32.const {t}) (i32.const 512))))",
        t = id("TABLE")
    );
    dev.load_nf_bound(&wasm(&nf_wat(&maps, &body)), &[("TABLE", table)])
}

#[test]
fn a_hash_map_written_from_two_cpus_and_userspace_matches_its_model() {
    use kwasm_vmtests::raw::tcp4;
    let dev = std::sync::Arc::new(Dev::open());
    let table = std::sync::Arc::new(dev.map_create(MAP_TYPE_HASH, 4, 8, 4096).unwrap());
    let prog = std::sync::Arc::new(table_program(&dev, &table));
    // Each actor owns a key range and runs a fixed sequence: the final map is known.
    let ops = |base: u32| -> Vec<(u32, bool)> {
        (0..3000u32)
            .map(|i| (base + (i * 7919) % 1000, i % 3 != 0))
            .collect()
    };
    let model = |ops: &[(u32, bool)], m: &mut std::collections::BTreeMap<u32, u64>| {
        for &(k, set) in ops {
            if set {
                m.insert(k, u64::from(k) * 2);
            } else {
                m.remove(&k);
            }
        }
    };
    let hooks: Vec<_> = (0..2u32)
        .map(|cpu| {
            let (dev, prog) = (dev.clone(), prog.clone());
            std::thread::spawn(move || {
                pin_to_cpu(cpu as usize);
                for (k, set) in ops(1_000_000 * (cpu + 1)) {
                    let p = tcp4(k.to_ne_bytes(), 80, if set { 0x02 } else { 0x10 }, 0);
                    assert_eq!(dev.run_packet(&prog, &p, 1).unwrap().1, 0);
                }
            })
        })
        .collect();
    for (k, set) in ops(3_000_000) {
        if set {
            dev.map_update(
                &*table,
                &k.to_ne_bytes(),
                &(u64::from(k) * 2).to_ne_bytes(),
                0,
            )
            .unwrap();
        } else {
            let _ = dev.map_delete(&*table, &k.to_ne_bytes());
        }
    }
    for h in hooks {
        h.join().unwrap();
    }
    let mut want = std::collections::BTreeMap::new();
    for base in [1_000_000, 2_000_000, 3_000_000] {
        model(&ops(base), &mut want);
    }
    // Walk the map: every key once, with its value.
    let mut got = std::collections::BTreeMap::new();
    let mut cur: Option<Vec<u8>> = None;
    while let Ok(next) = dev.map_next_key(&*table, cur.as_deref(), 4) {
        let k = u32::from_ne_bytes(next[..].try_into().unwrap());
        let v = u64_of(&dev.map_lookup(&*table, &next, 8).unwrap());
        assert!(got.insert(k, v).is_none(), "key {k} twice in a walk");
        cur = Some(next);
    }
    assert_eq!(got, want);
    assert_eq!(dev.map_info(&*table).entries as usize, want.len());
}
