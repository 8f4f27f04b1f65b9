//! Naming objects on the command line: `ID` or `id:ID`, `pin:NAME`, and for programs and maps
//! their own name as `NAME` or `name:NAME` (which must then be unique).

use super::Result;
use kwasm::{Link, Map, Program};
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjRef {
    Id(u32),
    Pin(String),
    Name(String),
}

impl FromStr for ObjRef {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let id = |v: &str| v.parse().map_err(|_| format!("bad id {v:?}"));
        match s.split_once(':') {
            Some(("id", v)) => id(v).map(ObjRef::Id),
            Some(("pin", v)) if !v.is_empty() => Ok(ObjRef::Pin(v.into())),
            Some(("name", v)) if !v.is_empty() => Ok(ObjRef::Name(v.into())),
            _ if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => id(s).map(ObjRef::Id),
            _ if s.is_empty() => Err("empty name".into()),
            _ => Ok(ObjRef::Name(s.into())),
        }
    }
}

pub fn open_prog(r: &ObjRef) -> Result<Program> {
    Ok(match r {
        ObjRef::Id(id) => Program::from_id(*id)?,
        ObjRef::Pin(name) => Program::from_pin(name)?,
        ObjRef::Name(name) => {
            let found = find_by_name(Program::ids(), |id| {
                let p = Program::from_id(id)?;
                Ok((p.info()?.name == *name).then_some(p))
            })?;
            one(found, "program", name)?
        }
    })
}

pub fn open_map(r: &ObjRef) -> Result<Map> {
    Ok(match r {
        ObjRef::Id(id) => Map::from_id(*id)?,
        ObjRef::Pin(name) => Map::from_pin(name)?,
        ObjRef::Name(name) => {
            let found = find_by_name(Map::ids(), |id| {
                let m = Map::from_id(id)?;
                Ok((m.name() == name).then_some(m))
            })?;
            one(found, "map", name)?
        }
    })
}

pub fn open_link(r: &ObjRef) -> Result<Link> {
    Ok(match r {
        ObjRef::Id(id) => Link::from_id(*id)?,
        ObjRef::Pin(name) => Link::from_pin(name)?,
        ObjRef::Name(name) => {
            return Err(format!("links have no names: use an id or pin:{name}").into())
        }
    })
}

/// The objects among `ids` that `matches` opens, skipping those gone meanwhile.
fn find_by_name<T>(
    ids: kwasm::Ids,
    matches: impl Fn(u32) -> std::result::Result<Option<T>, kwasm::Error>,
) -> Result<Vec<T>> {
    let mut found = Vec::new();
    for id in ids {
        match matches(id?) {
            Ok(Some(obj)) => found.push(obj),
            Ok(None) => {}
            Err(e) if e.errno() == Some(libc::ENOENT) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(found)
}

fn one<T>(mut found: Vec<T>, kind: &str, name: &str) -> Result<T> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(format!("no {kind} is named {name:?}").into()),
        n => Err(format!("{n} {kind}s are named {name:?}: use an id").into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse() {
        assert_eq!("12".parse(), Ok(ObjRef::Id(12)));
        assert_eq!("id:7".parse(), Ok(ObjRef::Id(7)));
        assert_eq!("pin:fw/link".parse(), Ok(ObjRef::Pin("fw/link".into())));
        assert_eq!("counts".parse(), Ok(ObjRef::Name("counts".into())));
        assert_eq!("name:42".parse(), Ok(ObjRef::Name("42".into())));
        assert!("id:x".parse::<ObjRef>().is_err());
        assert!("".parse::<ObjRef>().is_err());
        assert!("99999999999".parse::<ObjRef>().is_err());
    }
}
