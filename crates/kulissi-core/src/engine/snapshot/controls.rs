//! Internal control in a snapshot: employees, users, tokens, approval requests and policy,
//! the restricted list, alerts, surveillance thresholds and the recent executions the
//! wash-trade rule remembers (in the log's item layouts, `codec/controls.rs`).

use std::collections::VecDeque;

use super::{Reader, Writer, count};
use crate::engine::State;
use crate::engine::codec::DecodeError;
use crate::engine::codec::controls as c;
use crate::ids::{BookId, InstrumentId};

pub(super) fn controls(state: &State, w: &mut Writer<'_>) {
    let k = &state.controls;
    w.u64(k.directory.employees.len() as u64);
    k.directory
        .employees
        .values()
        .for_each(|e| c::employee(w, e));
    w.u64(k.directory.users.len() as u64);
    k.directory.users.values().for_each(|u| c::user(w, u));
    w.u64(k.directory.tokens.len() as u64);
    k.directory.tokens.values().for_each(|t| c::token(w, t));
    w.u64(k.approvals.requests.len() as u64);
    k.approvals.requests.values().for_each(|q| c::request(w, q));
    c::write_kinds(w, &k.approvals.policy);
    w.u64(k.compliance.restricted.len() as u64);
    k.compliance
        .restricted
        .values()
        .for_each(|e| c::entry(w, e));
    w.u64(k.compliance.alerts.len() as u64);
    k.compliance.alerts.values().for_each(|a| c::alert(w, a));
    c::settings(w, &k.compliance.settings);
    let mut recent: Vec<_> = k.compliance.recent.iter().collect();
    recent.sort_by_key(|(key, _)| **key);
    w.u64(recent.len() as u64);
    for ((book, instrument), list) in recent {
        w.u32(*book);
        w.u32(*instrument);
        w.u64(list.len() as u64);
        list.iter().for_each(|e| c::execution(w, e));
    }
}

pub(super) fn read_controls(state: &mut State, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let k = &mut state.controls;
    for _ in 0..count(r)? {
        let e = c::read_employee(r)?;
        k.directory.employees.insert(e.id.clone(), e);
    }
    for _ in 0..count(r)? {
        let u = c::read_user(r)?;
        k.directory.users.insert(u.username.clone(), u);
    }
    for _ in 0..count(r)? {
        let t = c::read_token(r)?;
        k.directory.insert_token(t);
    }
    for _ in 0..count(r)? {
        let q = c::read_request(r)?;
        k.approvals.requests.insert(q.id, q);
    }
    k.approvals.policy = c::read_kinds(r)?;
    for _ in 0..count(r)? {
        let e = c::read_entry(r)?;
        k.compliance.restricted.insert(e.id, e);
    }
    for _ in 0..count(r)? {
        let a = c::read_alert(r)?;
        k.compliance.alerts.insert(a.id, a);
    }
    k.compliance.settings = c::read_settings(r)?;
    for _ in 0..count(r)? {
        let key: (BookId, InstrumentId) = (r.u32()?.into(), r.u32()?.into());
        let mut list = VecDeque::new();
        for _ in 0..count(r)? {
            list.push_back(c::read_execution(r)?);
        }
        k.compliance.recent.insert(key, list);
    }
    Ok(())
}
