//! The operator dispatch: one arm per wasm instruction, each calling the emitter for its group.
//! Operators reach here only after wasmparser's validator accepted them.

use crate::control::Kind;
use crate::error::{CompileError, Result};
use crate::func::{FuncCompiler, MAX_UNSPILLED};
use crate::module::Ty;
use crate::ops_float::{FBin, FCmp, FUn};
use crate::ops_int::{Alu, Cmp, Div, Shift, Unary};
use crate::ops_mem::Width;
use crate::prelude::*;
use kwasm_hooks::artifact::*;
use wasmparser::Operator as O;

impl FuncCompiler<'_, '_> {
    /// What validating and compiling `op` costs, about, in units of a simple operator: 1 plus
    /// the values it carries (a branch's, a call's, a block's), which wasmparser checks one by
    /// one and the compiler may move one by one, dead code included; for a `br_table`, that
    /// for every target. Operators out of range count 1 (the validator refuses them).
    pub fn op_weight(&self, op: &O<'_>) -> u64 {
        let label = |depth: u32| {
            (depth as usize)
                .checked_add(1)
                .and_then(|d| self.control.len().checked_sub(d))
                .map_or(0, |i| self.control[i].branch_types().len() as u64)
        };
        let sig = |ty: Option<&crate::module::Sig>| {
            ty.map_or(0, |s| (s.params.len() + s.results.len()) as u64)
        };
        let block = |ty: &wasmparser::BlockType| match ty {
            wasmparser::BlockType::Empty => 0,
            wasmparser::BlockType::Type(_) => 1,
            wasmparser::BlockType::FuncType(t) => sig(self.module.types.get(*t as usize)),
        };
        let top = || {
            self.control
                .last()
                .map_or(0, |f| (f.params.len() + f.results.len()) as u64)
        };
        1 + match op {
            O::Br { relative_depth } | O::BrIf { relative_depth } => label(*relative_depth),
            O::BrTable { targets } => {
                (u64::from(targets.len()) + 1) * label(targets.default()).max(1)
            }
            O::Return => self.sig.results.len() as u64,
            O::Call { function_index } => sig(self
                .module
                .funcs
                .get(*function_index as usize)
                .and_then(|&t| self.module.types.get(t as usize))),
            O::CallIndirect { type_index, .. } => sig(self.module.types.get(*type_index as usize)),
            O::Block { blockty } | O::Loop { blockty } | O::If { blockty } => block(blockty),
            O::Else | O::End => top(),
            _ => 0,
        }
    }

    /// Emits one operator; returns true at the function's final `end`.
    pub fn op(&mut self, op: &O<'_>, offset: u64) -> Result<bool> {
        self.fuel_count();
        // A pending compare is consumed as flags only by the operators that branch or select
        // on it (or negate it); for any other it becomes a value first.
        if !matches!(
            op,
            O::BrIf { .. } | O::If { .. } | O::Select | O::TypedSelect { .. } | O::I32Eqz
        ) {
            self.settle_cond();
        }
        // Control structure is tracked in dead code too; everything else there is skipped.
        match op {
            O::Block { blockty } => {
                return self.op_block(Kind::Block, *blockty, offset).map(|()| false)
            }
            O::Loop { blockty } => {
                return self.op_block(Kind::Loop, *blockty, offset).map(|()| false)
            }
            O::If { blockty } => return self.op_block(Kind::If, *blockty, offset).map(|()| false),
            O::Else => {
                self.op_else();
                return Ok(false);
            }
            O::End => return Ok(self.op_end()),
            _ if self.dead => return Ok(false),
            _ => {}
        }
        if self.stack.len() - self.slots > MAX_UNSPILLED {
            self.spill_all();
        }
        let handled = self.flow_op(op)?
            || self.memory_op(op)
            || self.compare_op(op)
            || self.int_op(op)
            || self.float_op(op)
            || self.conversion_op(op);
        if !handled {
            return Err(
                CompileError::new(offset, format!("operator not supported: {op:?}"))
                    .in_func(self.func),
            );
        }
        Ok(false)
    }

    /// Control flow, calls, locals and globals.
    fn flow_op(&mut self, op: &O<'_>) -> Result<bool> {
        match *op {
            O::Unreachable => self.op_unreachable(),
            O::Nop => {}
            O::Br { relative_depth } => self.op_br(relative_depth),
            O::BrIf { relative_depth } => self.op_br_if(relative_depth),
            O::BrTable { ref targets } => {
                let list = targets
                    .targets()
                    .collect::<core::result::Result<Vec<u32>, _>>()?;
                self.op_br_table(&list, targets.default());
            }
            O::Return => self.op_return(),
            O::Call { function_index } => self.op_call(function_index),
            O::CallIndirect { type_index, .. } => self.op_call_indirect(type_index),
            O::Drop => self.op_drop(),
            O::Select | O::TypedSelect { .. } => self.op_select(),
            O::LocalGet { local_index } => self.op_local_get(local_index),
            O::LocalSet { local_index } => self.op_local_set(local_index, false),
            O::LocalTee { local_index } => self.op_local_set(local_index, true),
            O::GlobalGet { global_index } => self.op_global_get(global_index),
            O::GlobalSet { global_index } => self.op_global_set(global_index),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Linear memory, tables and segments.
    fn memory_op(&mut self, op: &O<'_>) -> bool {
        use Ty::*;
        match *op {
            O::I32Load { memarg } => self.op_load(I32, Width::B32U, memarg.offset),
            O::I64Load { memarg } => self.op_load(I64, Width::B64, memarg.offset),
            O::F32Load { memarg } => self.op_load(F32, Width::B32U, memarg.offset),
            O::F64Load { memarg } => self.op_load(F64, Width::B64, memarg.offset),
            O::I32Load8S { memarg } => self.op_load(I32, Width::B8S, memarg.offset),
            O::I32Load8U { memarg } => self.op_load(I32, Width::B8U, memarg.offset),
            O::I32Load16S { memarg } => self.op_load(I32, Width::B16S, memarg.offset),
            O::I32Load16U { memarg } => self.op_load(I32, Width::B16U, memarg.offset),
            O::I64Load8S { memarg } => self.op_load(I64, Width::B8S, memarg.offset),
            O::I64Load8U { memarg } => self.op_load(I64, Width::B8U, memarg.offset),
            O::I64Load16S { memarg } => self.op_load(I64, Width::B16S, memarg.offset),
            O::I64Load16U { memarg } => self.op_load(I64, Width::B16U, memarg.offset),
            O::I64Load32S { memarg } => self.op_load(I64, Width::B32S, memarg.offset),
            O::I64Load32U { memarg } => self.op_load(I64, Width::B32U, memarg.offset),
            O::I32Store { memarg } => self.op_store(I32, Width::B32U, memarg.offset),
            O::I64Store { memarg } => self.op_store(I64, Width::B64, memarg.offset),
            O::F32Store { memarg } => self.op_store(F32, Width::B32U, memarg.offset),
            O::F64Store { memarg } => self.op_store(F64, Width::B64, memarg.offset),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => {
                self.op_store(I32, Width::B8U, memarg.offset)
            }
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => {
                self.op_store(I32, Width::B16U, memarg.offset)
            }
            O::I64Store32 { memarg } => self.op_store(I64, Width::B32U, memarg.offset),
            O::MemorySize { .. } => self.op_memory_size(),
            O::MemoryGrow { .. } => self.op_memory_grow(),
            O::MemoryFill { .. } => self.op_helper(HELPER_MEMORY_FILL, &[I32, I32, I32], &[]),
            O::MemoryCopy { .. } => self.op_helper(HELPER_MEMORY_COPY, &[I32, I32, I32], &[]),
            O::MemoryInit { data_index, .. } => {
                self.op_segment_helper(HELPER_MEMORY_INIT, data_index, 3)
            }
            O::DataDrop { data_index } => self.op_segment_helper(HELPER_DATA_DROP, data_index, 0),
            O::TableInit { elem_index, .. } => {
                self.op_segment_helper(HELPER_TABLE_INIT, elem_index, 3)
            }
            O::TableCopy { .. } => self.op_helper(HELPER_TABLE_COPY, &[I32, I32, I32], &[]),
            O::ElemDrop { elem_index } => self.op_segment_helper(HELPER_ELEM_DROP, elem_index, 0),
            _ => return false,
        }
        true
    }

    /// Constants and compares.
    fn compare_op(&mut self, op: &O<'_>) -> bool {
        use Ty::*;
        match *op {
            O::I32Const { value } => self.op_int_const(I32, u64::from(value as u32)),
            O::I64Const { value } => self.op_int_const(I64, value as u64),
            O::F32Const { value } => self.op_float_const(F32, u64::from(value.bits())),
            O::F64Const { value } => self.op_float_const(F64, value.bits()),
            O::I32Eqz => self.op_eqz(I32),
            O::I64Eqz => self.op_eqz(I64),
            O::I32Eq => self.op_cmp(I32, Cmp::Eq),
            O::I32Ne => self.op_cmp(I32, Cmp::Ne),
            O::I32LtS => self.op_cmp(I32, Cmp::LtS),
            O::I32LtU => self.op_cmp(I32, Cmp::LtU),
            O::I32GtS => self.op_cmp(I32, Cmp::GtS),
            O::I32GtU => self.op_cmp(I32, Cmp::GtU),
            O::I32LeS => self.op_cmp(I32, Cmp::LeS),
            O::I32LeU => self.op_cmp(I32, Cmp::LeU),
            O::I32GeS => self.op_cmp(I32, Cmp::GeS),
            O::I32GeU => self.op_cmp(I32, Cmp::GeU),
            O::I64Eq => self.op_cmp(I64, Cmp::Eq),
            O::I64Ne => self.op_cmp(I64, Cmp::Ne),
            O::I64LtS => self.op_cmp(I64, Cmp::LtS),
            O::I64LtU => self.op_cmp(I64, Cmp::LtU),
            O::I64GtS => self.op_cmp(I64, Cmp::GtS),
            O::I64GtU => self.op_cmp(I64, Cmp::GtU),
            O::I64LeS => self.op_cmp(I64, Cmp::LeS),
            O::I64LeU => self.op_cmp(I64, Cmp::LeU),
            O::I64GeS => self.op_cmp(I64, Cmp::GeS),
            O::I64GeU => self.op_cmp(I64, Cmp::GeU),
            O::F32Eq => self.op_fcmp(F32, FCmp::Eq),
            O::F32Ne => self.op_fcmp(F32, FCmp::Ne),
            O::F32Lt => self.op_fcmp(F32, FCmp::Lt),
            O::F32Gt => self.op_fcmp(F32, FCmp::Gt),
            O::F32Le => self.op_fcmp(F32, FCmp::Le),
            O::F32Ge => self.op_fcmp(F32, FCmp::Ge),
            O::F64Eq => self.op_fcmp(F64, FCmp::Eq),
            O::F64Ne => self.op_fcmp(F64, FCmp::Ne),
            O::F64Lt => self.op_fcmp(F64, FCmp::Lt),
            O::F64Gt => self.op_fcmp(F64, FCmp::Gt),
            O::F64Le => self.op_fcmp(F64, FCmp::Le),
            O::F64Ge => self.op_fcmp(F64, FCmp::Ge),
            _ => return false,
        }
        true
    }

    /// Integer arithmetic.
    fn int_op(&mut self, op: &O<'_>) -> bool {
        use Ty::*;
        match *op {
            O::I32Clz => self.op_unary(I32, Unary::Clz),
            O::I32Ctz => self.op_unary(I32, Unary::Ctz),
            O::I32Popcnt => self.op_unary(I32, Unary::Popcnt),
            O::I64Clz => self.op_unary(I64, Unary::Clz),
            O::I64Ctz => self.op_unary(I64, Unary::Ctz),
            O::I64Popcnt => self.op_unary(I64, Unary::Popcnt),
            O::I32Add => self.op_alu(I32, Alu::Add),
            O::I32Sub => self.op_alu(I32, Alu::Sub),
            O::I32Mul => self.op_alu(I32, Alu::Mul),
            O::I32And => self.op_alu(I32, Alu::And),
            O::I32Or => self.op_alu(I32, Alu::Or),
            O::I32Xor => self.op_alu(I32, Alu::Xor),
            O::I64Add => self.op_alu(I64, Alu::Add),
            O::I64Sub => self.op_alu(I64, Alu::Sub),
            O::I64Mul => self.op_alu(I64, Alu::Mul),
            O::I64And => self.op_alu(I64, Alu::And),
            O::I64Or => self.op_alu(I64, Alu::Or),
            O::I64Xor => self.op_alu(I64, Alu::Xor),
            O::I32DivS => self.op_div(I32, Div::DivS),
            O::I32DivU => self.op_div(I32, Div::DivU),
            O::I32RemS => self.op_div(I32, Div::RemS),
            O::I32RemU => self.op_div(I32, Div::RemU),
            O::I64DivS => self.op_div(I64, Div::DivS),
            O::I64DivU => self.op_div(I64, Div::DivU),
            O::I64RemS => self.op_div(I64, Div::RemS),
            O::I64RemU => self.op_div(I64, Div::RemU),
            O::I32Shl => self.op_shift(I32, Shift::Shl),
            O::I32ShrS => self.op_shift(I32, Shift::ShrS),
            O::I32ShrU => self.op_shift(I32, Shift::ShrU),
            O::I32Rotl => self.op_shift(I32, Shift::Rotl),
            O::I32Rotr => self.op_shift(I32, Shift::Rotr),
            O::I64Shl => self.op_shift(I64, Shift::Shl),
            O::I64ShrS => self.op_shift(I64, Shift::ShrS),
            O::I64ShrU => self.op_shift(I64, Shift::ShrU),
            O::I64Rotl => self.op_shift(I64, Shift::Rotl),
            O::I64Rotr => self.op_shift(I64, Shift::Rotr),
            _ => return false,
        }
        true
    }

    /// Float arithmetic.
    fn float_op(&mut self, op: &O<'_>) -> bool {
        use Ty::*;
        match *op {
            O::F32Abs => self.op_fun(F32, FUn::Abs),
            O::F32Neg => self.op_fun(F32, FUn::Neg),
            O::F32Ceil => self.op_fun(F32, FUn::Ceil),
            O::F32Floor => self.op_fun(F32, FUn::Floor),
            O::F32Trunc => self.op_fun(F32, FUn::Trunc),
            O::F32Nearest => self.op_fun(F32, FUn::Nearest),
            O::F32Sqrt => self.op_fun(F32, FUn::Sqrt),
            O::F64Abs => self.op_fun(F64, FUn::Abs),
            O::F64Neg => self.op_fun(F64, FUn::Neg),
            O::F64Ceil => self.op_fun(F64, FUn::Ceil),
            O::F64Floor => self.op_fun(F64, FUn::Floor),
            O::F64Trunc => self.op_fun(F64, FUn::Trunc),
            O::F64Nearest => self.op_fun(F64, FUn::Nearest),
            O::F64Sqrt => self.op_fun(F64, FUn::Sqrt),
            O::F32Add => self.op_fbin(F32, FBin::Add),
            O::F32Sub => self.op_fbin(F32, FBin::Sub),
            O::F32Mul => self.op_fbin(F32, FBin::Mul),
            O::F32Div => self.op_fbin(F32, FBin::Div),
            O::F32Min => self.op_fbin(F32, FBin::Min),
            O::F32Max => self.op_fbin(F32, FBin::Max),
            O::F32Copysign => self.op_fbin(F32, FBin::Copysign),
            O::F64Add => self.op_fbin(F64, FBin::Add),
            O::F64Sub => self.op_fbin(F64, FBin::Sub),
            O::F64Mul => self.op_fbin(F64, FBin::Mul),
            O::F64Div => self.op_fbin(F64, FBin::Div),
            O::F64Min => self.op_fbin(F64, FBin::Min),
            O::F64Max => self.op_fbin(F64, FBin::Max),
            O::F64Copysign => self.op_fbin(F64, FBin::Copysign),
            _ => return false,
        }
        true
    }

    /// Conversions between types.
    fn conversion_op(&mut self, op: &O<'_>) -> bool {
        use Ty::*;
        match *op {
            O::I32WrapI64 => self.op_wrap(),
            O::I64ExtendI32S => self.op_extend_i32(true),
            O::I64ExtendI32U => self.op_extend_i32(false),
            O::I32Extend8S => self.op_unary(I32, Unary::Extend8S),
            O::I32Extend16S => self.op_unary(I32, Unary::Extend16S),
            O::I64Extend8S => self.op_unary(I64, Unary::Extend8S),
            O::I64Extend16S => self.op_unary(I64, Unary::Extend16S),
            O::I64Extend32S => self.op_unary(I64, Unary::Extend32S),
            O::I32TruncF32S | O::I32TruncF64S => self.op_trunc(I32, true, false),
            O::I32TruncF32U | O::I32TruncF64U => self.op_trunc(I32, false, false),
            O::I64TruncF32S | O::I64TruncF64S => self.op_trunc(I64, true, false),
            O::I64TruncF32U | O::I64TruncF64U => self.op_trunc(I64, false, false),
            O::I32TruncSatF32S | O::I32TruncSatF64S => self.op_trunc(I32, true, true),
            O::I32TruncSatF32U | O::I32TruncSatF64U => self.op_trunc(I32, false, true),
            O::I64TruncSatF32S | O::I64TruncSatF64S => self.op_trunc(I64, true, true),
            O::I64TruncSatF32U | O::I64TruncSatF64U => self.op_trunc(I64, false, true),
            O::F32ConvertI32S | O::F32ConvertI64S => self.op_convert(F32, true),
            O::F32ConvertI32U | O::F32ConvertI64U => self.op_convert(F32, false),
            O::F64ConvertI32S | O::F64ConvertI64S => self.op_convert(F64, true),
            O::F64ConvertI32U | O::F64ConvertI64U => self.op_convert(F64, false),
            O::F32DemoteF64 => self.op_demote_promote(F32),
            O::F64PromoteF32 => self.op_demote_promote(F64),
            O::I32ReinterpretF32 => self.op_reinterpret(I32),
            O::I64ReinterpretF64 => self.op_reinterpret(I64),
            O::F32ReinterpretI32 => self.op_reinterpret(F32),
            O::F64ReinterpretI64 => self.op_reinterpret(F64),
            _ => return false,
        }
        true
    }
}
