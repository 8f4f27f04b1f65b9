//! A program's maps, found by the names it declared (its info's map ids, opened by id).
//!
//! Checked only in the VM (map ids come from the kernel).

use super::Program;
use crate::{Error, Map};

impl Program {
    /// The map the program declared as `name`.
    ///
    /// ```no_run
    /// use kwasm::maps::HashMap;
    /// let prog = kwasm::Program::load("counter.wasm")?;
    /// let counts: HashMap<u32, u64> = HashMap::try_from(prog.map("counts")?)?;
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn map(&self, name: &str) -> Result<Map, Error> {
        self.maps()?
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| Error::NoSuchMap { name: name.into() })
    }

    /// Every map the program uses. A map can go away between the program's info and its
    /// opening only if the program went too (it holds its maps).
    pub fn maps(&self) -> Result<Vec<Map>, Error> {
        self.info()?
            .map_ids
            .into_iter()
            .map(|id| Map::from_id_on(self.dev.clone(), id))
            .collect()
    }
}
