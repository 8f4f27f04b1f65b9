//! Netfilter programs in the kernel through the ioctls: the load-time rules of hook program
//! types, per-CPU instances, test runs through the hook's own entry, and hostile programs.

use kwasm_hooks::netfilter::{VERDICT_ACCEPT, VERDICT_DROP};
use kwasm_hooks::prog_type::{HOOK_FUEL_MAX, PROG_TYPE_NETFILTER, PROG_TYPE_TEST};
use kwasm_hooks::trap::{TRAP_OUT_OF_FUEL, TRAP_UNREACHABLE};
use kwasm_vmtests::filters;
use kwasm_vmtests::raw::{decl, id, nf_wat, tcp4, udp4, Dev};
use kwasm_vmtests::wasm;
use std::os::fd::OwnedFd;

fn possible_cpus() -> u32 {
    // "0-1" or "0": the highest possible CPU + 1.
    let s = std::fs::read_to_string("/sys/devices/system/cpu/possible").unwrap();
    s.trim()
        .rsplit(['-', ','])
        .next()
        .unwrap()
        .parse::<u32>()
        .unwrap()
        + 1
}

/// Loads a netfilter program expecting a refusal: the errno and the log.
fn refused(
    dev: &Dev,
    wat: &str,
    tweak: impl FnOnce(&mut kwasm_hooks::attr::ProgLoadAttr),
) -> (i32, String) {
    match dev.load(&wasm(wat), PROG_TYPE_NETFILTER, tweak) {
        Ok(_) => panic!("loaded, expected a refusal"),
        Err(e) => e,
    }
}

fn set_port(dev: &Dev, config: &OwnedFd, port: u32) {
    dev.map_update(config, &0u32.to_ne_bytes(), &port.to_ne_bytes(), 0)
        .unwrap();
}

/// The fd of the program's map with this name.
fn map_of(dev: &Dev, prog: &OwnedFd, name: &str) -> OwnedFd {
    let mut ids = [0u32; 8];
    let info = dev.prog_info(prog, &mut ids);
    for &mid in &ids[..info.nr_map_ids as usize] {
        let mut a: kwasm_hooks::attr::IdAttr = kwasm_vmtests::raw::sized();
        a.id = mid;
        let fd = dev
            .call_fd(kwasm_hooks::ioctl::KWASM_IOC_MAP_GET_FD_BY_ID, &mut a)
            .unwrap();
        if kwasm_hooks::map::name_bytes(&dev.map_info(&fd).name) == name.as_bytes() {
            return fd;
        }
    }
    panic!("no map {name}");
}

#[test]
fn a_netfilter_program_has_one_instance_per_possible_cpu() {
    let dev = Dev::open();
    let prog = dev.load_nf(&wasm(&filters::constant(1)));
    let info = dev.prog_info(&prog, &mut []);
    assert_eq!(info.prog_type, PROG_TYPE_NETFILTER);
    assert_eq!(info.instances, possible_cpus());
    assert!(possible_cpus() >= 2, "the VM runs with -smp 2 or more");
    // Memory as reserved per instance: the default limit caps a memory without a maximum.
    assert_eq!(info.memory_size, 1 << 20);
}

#[test]
fn the_port_filter_drops_tcp_to_its_port_and_counts_by_source() {
    let dev = Dev::open();
    let prog = dev.load_nf(&wasm(&filters::port_filter()));
    let config = map_of(&dev, &prog, "CONFIG");
    let drops = map_of(&dev, &prog, "DROPS");
    set_port(&dev, &config, 8080);
    assert_eq!(
        dev.run_packet(&prog, &tcp4([10, 1, 2, 3], 8080, 0x02, 0), 5)
            .unwrap(),
        (VERDICT_DROP, 0)
    );
    assert_eq!(
        dev.run_packet(&prog, &tcp4([10, 1, 2, 3], 8081, 0x02, 0), 1)
            .unwrap(),
        (VERDICT_ACCEPT, 0)
    );
    assert_eq!(
        dev.run_packet(&prog, &udp4(8080), 1).unwrap(),
        (VERDICT_ACCEPT, 0)
    );
    assert_eq!(
        dev.run_packet(&prog, &tcp4([10, 9, 9, 9], 8080, 0x10, 100), 2)
            .unwrap(),
        (VERDICT_DROP, 0)
    );
    let count =
        |a: [u8; 4]| u64::from_ne_bytes(dev.map_lookup(&drops, &a, 8).unwrap().try_into().unwrap());
    assert_eq!(count([10, 1, 2, 3]), 5);
    assert_eq!(count([10, 9, 9, 9]), 2);
    let e = dev.map_lookup(&drops, &[10, 0, 0, 1], 8).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
}

#[test]
fn hostile_programs_give_the_default_verdict_and_their_trap() {
    let dev = Dev::open();
    let trap = dev.load_nf(&wasm(&filters::trapping()));
    assert_eq!(
        dev.run_packet(&trap, &udp4(1), 1).unwrap(),
        (VERDICT_ACCEPT, TRAP_UNREACHABLE)
    );
    let spin = dev.load_nf(&wasm(&filters::looping()));
    let start = std::time::Instant::now();
    assert_eq!(
        dev.run_packet(&spin, &udp4(1), 3).unwrap(),
        (VERDICT_ACCEPT, TRAP_OUT_OF_FUEL)
    );
    // The default fuel is about 0.1 ms of native code; emulation is slower, not 1000x.
    assert!(
        start.elapsed().as_millis() < 2000,
        "3 runs out of fuel took {:?}",
        start.elapsed()
    );
    let garbage = dev.load_nf(&wasm(&filters::constant(7)));
    assert_eq!(dev.run_packet(&garbage, &udp4(1), 1).unwrap(), (7, 0));
}

#[test]
fn packet_load_reads_past_the_window() {
    let dev = Dev::open();
    // Returns the byte at offset 900 of the packet, read with packet_load.
    let body = "(drop (call $packet_load (i32.const 900) (i32.const 600) (i32.const 1))) (i32.load8_u (i32.const 600))";
    let prog = dev.load_nf(&wasm(&nf_wat(&[], body)));
    let mut p = tcp4([1, 2, 3, 4], 1, 0, 1000);
    p[900] = 0x5a;
    assert_eq!(dev.run_packet(&prog, &p, 1).unwrap(), (0x5a, 0));
    // Past the end: nothing copied, the count says so.
    let body = "(call $packet_load (i32.const 5000) (i32.const 600) (i32.const 8))";
    let prog = dev.load_nf(&wasm(&nf_wat(&[], body)));
    assert_eq!(dev.run_packet(&prog, &p, 1).unwrap(), (0, 0));
    // A destination outside the memory: -EFAULT, not a trap.
    let body = "(call $packet_load (i32.const 0) (i32.const 65535) (i32.const 8))";
    let prog = dev.load_nf(&wasm(&nf_wat(&[], body)));
    assert_eq!(
        dev.run_packet(&prog, &p, 1).unwrap(),
        ((-libc::EFAULT) as u32, 0)
    );
}

#[test]
fn the_window_and_context_describe_the_packet() {
    let dev = Dev::open();
    // Returns len * 65536 + l4_offset * 256 + l4_proto.
    let body = "(i32.add (i32.shl (i32.load offset=16 (local.get $ctx)) (i32.const 16))
        (i32.add (i32.shl (i32.load16_u offset=28 (local.get $ctx)) (i32.const 8)) (i32.load8_u offset=26 (local.get $ctx))))";
    let prog = dev.load_nf(&wasm(&nf_wat(&[], body)));
    let p = tcp4([1, 2, 3, 4], 1, 0, 60);
    assert_eq!(
        dev.run_packet(&prog, &p, 1).unwrap().0,
        (100 << 16) | (20 << 8) | 6
    );
}

#[test]
fn memory_grows_inside_its_reservation_only() {
    let dev = Dev::open();
    // A limit of 4 pages: 1 to start, 3 more fit, 4 do not (and never allocate in the hook).
    let grow_by = |pages: u32| {
        let wat = nf_wat(&[], &format!("(memory.grow (i32.const {pages}))"));
        let prog = dev
            .load(&wasm(&wat), PROG_TYPE_NETFILTER, |a| a.memory_max = 4 << 16)
            .unwrap();
        let (result, trap) = dev.run_packet(&prog, &udp4(1), 1).unwrap();
        assert_eq!(trap, 0);
        result as i32
    };
    let got: Vec<i32> = [0, 3, 4, 100].into_iter().map(grow_by).collect();
    assert_eq!(got, [1, 1, -1, -1]);
}

#[test]
fn hook_programs_import_only_kernel_host_functions_that_never_sleep() {
    let dev = Dev::open();
    let wat = filters::constant(1).replace(
        "(memory 1)",
        r#"(import "kwasm_testprov" "add" (func (param i32 i32) (result i32))) (memory 1)"#,
    );
    let (e, log) = refused(&dev, &wat, |_| {});
    assert_eq!(e, libc::EINVAL);
    assert!(
        log.contains("import kwasm_testprov.add") && log.contains("atomic context"),
        "{log}"
    );
    let wat = filters::constant(1).replace(
        "(memory 1)",
        r#"(import "lib" "g" (global i32)) (memory 1)"#,
    );
    let (_, log) = refused(&dev, &wat, |_| {});
    assert!(log.contains("import lib.g"), "{log}");
    // packet_load is netfilter's: a test program may not import it.
    let wat = r#"(module (import "kwasm" "packet_load" (func (param i32 i32 i32) (result i32))) (memory 1))"#;
    let (e, log) = dev
        .load(&wasm(wat), PROG_TYPE_TEST, |_| {})
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e, libc::EINVAL, "{log}");
}

#[test]
fn hook_programs_need_their_entry_and_buffer() {
    let dev = Dev::open();
    let base = filters::constant(1);
    let cases = [
        (
            base.replace("\"kwasm_netfilter\"", "\"other\""),
            "export their entry",
        ),
        (
            base.replace(
                "(param $ctx i32) (result i32)",
                "(param $ctx i64) (result i32)",
            )
            .replace("(local.get $ctx)", "(i32.wrap_i64 (local.get $ctx))"),
            "(i32) -> i32",
        ),
        (
            base.replace(
                "\"kwasm_hook_buffer\") i32",
                "\"kwasm_hook_buffer\") (mut i32)",
            ),
            "immutable i32",
        ),
        (
            base.replace("(i32.const 1024))", "(i32.const 65400))"),
            "not inside the initial memory",
        ),
        (
            base.replace(
                "(global (export \"kwasm_hook_buffer\")",
                "(global (export \"x\")",
            ),
            "kwasm_hook_buffer",
        ),
    ];
    for (wat, want) in cases {
        let (e, log) = refused(&dev, &wat, |_| {});
        assert_eq!(e, libc::EINVAL, "{log}");
        assert!(log.contains(want), "wanted {want:?} in {log:?}");
    }
}

#[test]
fn memory_fuel_and_limits_of_hook_programs() {
    let dev = Dev::open();
    let big = filters::constant(1).replace("(memory 1)", "(memory 32)");
    let (e, log) = refused(&dev, &big, |_| {});
    assert_eq!(e, libc::E2BIG);
    assert!(
        log.contains("2048 KiB per instance") && log.contains("memory_max"),
        "{log}"
    );
    dev.load(&wasm(&big), PROG_TYPE_NETFILTER, |a| a.memory_max = 4 << 20)
        .expect("fits a 4 MiB limit");
    let (e, _) = refused(&dev, &big, |a| a.memory_max = 1 << 40);
    assert_eq!(e, libc::E2BIG);
    let (e, log) = refused(&dev, &filters::constant(1), |a| a.fuel = HOOK_FUEL_MAX + 1);
    assert_eq!(e, libc::EINVAL);
    assert!(log.contains("fuel"), "{log}");
    let (e, _) = dev
        .load(&wasm("(module)"), PROG_TYPE_TEST, |a| {
            a.memory_max = 1 << 20
        })
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e, libc::EINVAL);
    let (e, log) = dev
        .load(&wasm(&filters::constant(1)), 99, |_| {})
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e, libc::EINVAL);
    assert!(log.contains("unknown program type"), "{log}");
}

#[test]
fn test_runs_of_hook_programs_refuse_bad_attrs() {
    let dev = Dev::open();
    let prog = dev.load_nf(&wasm(&filters::constant(1)));
    let p = udp4(1);
    let run = |tweak: &dyn Fn(&mut kwasm_hooks::attr::TestRunAttr)| {
        let mut a: kwasm_hooks::attr::TestRunAttr = kwasm_vmtests::raw::sized();
        a.prog_fd = std::os::fd::AsRawFd::as_raw_fd(&prog) as u32;
        a.data_in = p.as_ptr() as u64;
        a.data_len = p.len() as u32;
        tweak(&mut a);
        dev.call(kwasm_hooks::ioctl::KWASM_IOC_PROG_TEST_RUN, &mut a)
            .map_err(|e| e.raw_os_error().unwrap())
    };
    assert_eq!(run(&|_| {}), Ok(0));
    assert_eq!(run(&|a| a.data_len = 0), Err(libc::EINVAL));
    assert_eq!(run(&|a| a.data_len = 70000), Err(libc::EINVAL));
    assert_eq!(run(&|a| a.ctx_in_len = 31), Err(libc::EINVAL));
    assert_eq!(run(&|a| a.name_len = 3), Err(libc::EINVAL));
    assert_eq!(run(&|a| a.fuel = HOOK_FUEL_MAX + 1), Err(libc::EINVAL));
    assert_eq!(run(&|a| a.data_in = 8), Err(libc::EFAULT));
    // A test program's run refuses packet fields.
    let test = dev
        .load(
            &wasm(r#"(module (func (export "f")))"#),
            PROG_TYPE_TEST,
            |_| {},
        )
        .unwrap();
    let mut a: kwasm_hooks::attr::TestRunAttr = kwasm_vmtests::raw::sized();
    a.prog_fd = std::os::fd::AsRawFd::as_raw_fd(&test) as u32;
    a.name = b"f".as_ptr() as u64;
    a.name_len = 1;
    a.data_in = p.as_ptr() as u64;
    a.data_len = 4;
    let e = dev
        .call(kwasm_hooks::ioctl::KWASM_IOC_PROG_TEST_RUN, &mut a)
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EINVAL));
}

#[test]
fn two_programs_share_a_map_bound_at_load() {
    let dev = Dev::open();
    let drops = dev
        .map_create(kwasm_hooks::map::MAP_TYPE_HASH, 4, 8, 1024)
        .unwrap();
    let config = dev
        .map_create(kwasm_hooks::map::MAP_TYPE_ARRAY, 4, 4, 1)
        .unwrap();
    let wasm = wasm(&filters::port_filter());
    let a = dev.load_nf_bound(&wasm, &[("DROPS", &drops), ("CONFIG", &config)]);
    let b = dev.load_nf_bound(&wasm, &[("DROPS", &drops), ("CONFIG", &config)]);
    set_port(&dev, &config, 22);
    dev.run_packet(&a, &tcp4([1, 1, 1, 1], 22, 2, 0), 3)
        .unwrap();
    dev.run_packet(&b, &tcp4([1, 1, 1, 1], 22, 2, 0), 4)
        .unwrap();
    let n = u64::from_ne_bytes(
        dev.map_lookup(&drops, &[1, 1, 1, 1], 8)
            .unwrap()
            .try_into()
            .unwrap(),
    );
    assert_eq!(n, 7);
    // A bind whose sizes differ from the declaration, or that names no declared map.
    let wrong = dev
        .map_create(kwasm_hooks::map::MAP_TYPE_HASH, 4, 16, 1024)
        .unwrap();
    for (name, fd, want) in [("DROPS", &wrong, "differ"), ("NOPE", &drops, "no such map")] {
        let binds = [kwasm_hooks::map::MapBind {
            name: kwasm_hooks::map::padded_name(name),
            map_fd: std::os::fd::AsRawFd::as_raw_fd(fd) as u32,
            _reserved: 0,
        }];
        let (e, log) = dev
            .load(&wasm, PROG_TYPE_NETFILTER, |a| {
                a.map_binds = binds.as_ptr() as u64;
                a.nmap_binds = 1;
            })
            .map(|_| ())
            .unwrap_err();
        assert_eq!(e, libc::EINVAL);
        assert!(log.contains(want), "{log}");
    }
    // A program fd is not a map.
    let binds = [kwasm_hooks::map::MapBind {
        name: kwasm_hooks::map::padded_name("DROPS"),
        map_fd: std::os::fd::AsRawFd::as_raw_fd(&a) as u32,
        _reserved: 0,
    }];
    let (e, _) = dev
        .load(&wasm, PROG_TYPE_NETFILTER, |a| {
            a.map_binds = binds.as_ptr() as u64;
            a.nmap_binds = 1;
        })
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e, libc::EBADF);
}

#[test]
fn bad_map_sections_are_refused_with_a_reason() {
    let dev = Dev::open();
    let two = [decl("A", 1, 4, 8, 16), decl("A", 1, 4, 8, 16)];
    let (e, log) = refused(&dev, &nf_wat(&two, "(i32.const 1)"), |_| {});
    assert_eq!(e, libc::EINVAL);
    assert!(log.contains("kwasm.maps"), "{log}");
    let bad_type = [decl("A", 99, 4, 8, 16)];
    let (e, _) = refused(&dev, &nf_wat(&bad_type, "(i32.const 1)"), |_| {});
    assert_eq!(e, libc::EINVAL);
    let huge = [decl("A", 1, 4, 8, u32::MAX)];
    let (e, log) = refused(&dev, &nf_wat(&huge, "(i32.const 1)"), |_| {});
    assert!(e == libc::E2BIG || e == libc::EINVAL, "{e} {log}");
    // A map id the program did not declare: -EBADF from the host function.
    let body = format!(
        "(call $map_delete (i32.const {}) (i32.const 0))",
        id("NOPE")
    );
    let prog = dev.load_nf(&wasm(&nf_wat(&[], &body)));
    assert_eq!(
        dev.run_packet(&prog, &udp4(1), 1).unwrap().0 as i32,
        -libc::EBADF
    );
}
