//! The `kwasm` CLI (put into the VM at `/bin/kwasm` by xtask) against the library: what
//! `prog`, `map` and `link` `list --json` and `show --json` print parses, and equals the
//! library's `info()` of the same objects, made by the library with the example guests.

mod library_support;

use kwasm::{Family, Hook, Link, Map, Netfilter, Program, Verdict};
use kwasm_vmtests::one_at_a_time;
use library_support::*;
use serde_json::Value;

/// What `kwasm ARGS` prints on stdout, as JSON.
fn cli_json(args: &[&str]) -> Value {
    let out = std::process::Command::new("/bin/kwasm")
        .args(args)
        .output()
        .expect("run /bin/kwasm (xtask puts the CLI into the VM)");
    assert!(
        out.status.success(),
        "kwasm {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "kwasm {args:?} printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The library's value as JSON, the way the CLI serializes the same types.
macro_rules! json {
    ($value:expr) => {
        serde_json::to_value($value).unwrap()
    };
}

/// The ids of a JSON listing, in its order.
fn ids_of(list: &Value) -> Vec<u32> {
    list.as_array()
        .expect("a listing is an array")
        .iter()
        .map(|o| o["id"].as_u64().expect("an id") as u32)
        .collect()
}

/// The listing's entry for `id`.
fn entry(list: &Value, id: u32) -> &Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("no id {id} in {list}"))
}

fn ids(ids: kwasm::Ids) -> Vec<u32> {
    ids.map(Result::unwrap).collect()
}

/// `kwasm ARGS` (a listing) when the library sees the same ids before and after it, and the
/// listing has exactly those ids. Objects of the tests before may still be going away (their
/// last references dropped after an RCU grace period): then it looks again.
fn listing(args: &[&str], library_ids: impl Fn() -> Vec<u32>) -> Value {
    for _ in 0..20 {
        let before = library_ids();
        let list = cli_json(args);
        if library_ids() == before {
            assert_eq!(ids_of(&list), before, "kwasm {args:?} and the library");
            return list;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the objects kept changing under kwasm {args:?}");
}

#[test]
fn the_clis_listings_equal_the_librarys_view() {
    let _serial = one_at_a_time();
    let filter = load_nf(&guest(PORT_FILTER), "port_filter");
    let counter = load_nf(&guest(PACKET_COUNTER), "packet_counter");
    kwasm::maps::Array::<u32>::try_from(filter.map("CONFIG").unwrap())
        .unwrap()
        .set(0, 4242, 0)
        .unwrap();
    // Attached where no packet passes during the test (nothing in the VM sends any), so that
    // the counters hold still between the CLI's look and the library's.
    let link_in = attach(&filter, Family::Ipv4, Hook::LocalIn);
    let link_out = counter
        .attach(Netfilter {
            family: Family::Ipv6,
            hook: Hook::LocalOut,
            priority: -5,
            default_verdict: Verdict::Drop,
            fuel: 50_000,
        })
        .unwrap();
    link_out.pin("lib-test/cli/link").unwrap();

    let progs = listing(&["prog", "list", "--json"], || ids(Program::ids()));
    for prog in [&filter, &counter] {
        let info = prog.info().unwrap();
        assert_eq!(entry(&progs, info.id), &json!(&info));
        let id = info.id.to_string();
        assert_eq!(cli_json(&["prog", "show", &id, "--json"]), json!(&info));
    }
    let by_name = cli_json(&["prog", "show", "packet_counter", "--json"]);
    assert_eq!(by_name, json!(&counter.info().unwrap()));

    let maps = listing(&["map", "list", "--json"], || ids(Map::ids()));
    let ours: Vec<Map> = [&filter, &counter]
        .iter()
        .flat_map(|p| p.maps().unwrap())
        .collect();
    assert_eq!(ours.len(), 5, "CONFIG, DROPS, COUNTS, FLOWS, EVENTS");
    for map in &ours {
        let info = map.info().unwrap();
        assert_eq!(entry(&maps, info.id), &json!(&info));
        let id = info.id.to_string();
        assert_eq!(cli_json(&["map", "show", &id, "--json"]), json!(&info));
    }

    let links = listing(&["link", "list", "--json"], || ids(Link::ids()));
    for link in [&link_in, &link_out] {
        let info = link.info().unwrap();
        assert_eq!(entry(&links, info.id), &json!(&info));
        let id = info.id.to_string();
        assert_eq!(cli_json(&["link", "show", &id, "--json"]), json!(&info));
    }
    let pinned = cli_json(&["link", "show", "pin:lib-test/cli/link", "--json"]);
    assert_eq!(pinned, json!(&link_out.info().unwrap()));
    assert_eq!(pinned["default_verdict"], "drop");
    assert_eq!(
        (pinned["family"].clone(), pinned["hook"].clone()),
        ("ipv6".into(), "local_out".into())
    );
    assert_eq!(pinned["priority"], -5);

    let pins = cli_json(&["pin", "list", "--json"]);
    assert_eq!(pins, json!(&kwasm::pin::list().unwrap()));
    kwasm::pin::unpin("lib-test/cli/link").unwrap();
}
