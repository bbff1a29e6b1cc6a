//! A hostile reward token for the model test: a cw20 subset (`transfer`, `send`, `balance`)
//! whose `transfer` can be switched to fail (`{"set_reverts":{"on":true}}`), as a paused or
//! malicious token would. The hub pays rewards with `transfer`, so a claim of it fails while
//! `send` (a service paying the hub) keeps working.

use cosmwasm_std::{
    to_json_binary, Addr, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdError, StdResult,
    WasmMsg,
};
use cw_multi_test::ContractWrapper;
use restake_multitest::{Step, Suite};
use serde_json::{json, Value};

fn key(addr: &str) -> Vec<u8> {
    [b"b:".as_slice(), addr.as_bytes()].concat()
}

fn balance_of(deps: Deps, addr: &str) -> u128 {
    deps.storage
        .get(&key(addr))
        .and_then(|v| String::from_utf8(v).ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn set_balance(deps: &mut DepsMut, addr: &str, amount: u128) {
    deps.storage.set(&key(addr), amount.to_string().as_bytes());
}

fn amount(v: &Value) -> StdResult<u128> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| StdError::generic_err("bad amount"))
}

fn move_tokens(deps: &mut DepsMut, from: &str, to: &str, amount: u128) -> StdResult<()> {
    let have = balance_of(deps.as_ref(), from);
    if have < amount {
        return Err(StdError::generic_err(format!(
            "insufficient token balance: {have} < {amount}"
        )));
    }
    set_balance(deps, from, have - amount);
    let to_have = balance_of(deps.as_ref(), to);
    set_balance(deps, to, to_have + amount);
    Ok(())
}

fn instantiate(mut deps: DepsMut, _: Env, _: MessageInfo, msg: Value) -> StdResult<Response> {
    for b in msg["balances"].as_array().cloned().unwrap_or_default() {
        let who = b[0].as_str().unwrap_or_default().to_string();
        set_balance(&mut deps, &who, amount(&b[1])?);
    }
    Ok(Response::new())
}

fn execute(mut deps: DepsMut, _: Env, info: MessageInfo, msg: Value) -> StdResult<Response> {
    let sender = info.sender.to_string();
    if let Some(m) = msg.get("set_reverts") {
        let on = m["on"].as_bool().unwrap_or(false);
        deps.storage.set(b"reverts", if on { b"1" } else { b"0" });
        return Ok(Response::new());
    }
    if let Some(t) = msg.get("transfer") {
        if deps.storage.get(b"reverts").as_deref() == Some(b"1") {
            return Err(StdError::generic_err("token transfers are paused"));
        }
        let to = t["recipient"].as_str().unwrap_or_default().to_string();
        move_tokens(&mut deps, &sender, &to, amount(&t["amount"])?)?;
        return Ok(Response::new());
    }
    if let Some(s) = msg.get("send") {
        let contract = s["contract"].as_str().unwrap_or_default().to_string();
        let a = amount(&s["amount"])?;
        let hook: Binary = serde_json::from_value(s["msg"].clone())
            .map_err(|e| StdError::generic_err(e.to_string()))?;
        move_tokens(&mut deps, &sender, &contract, a)?;
        return Ok(Response::new().add_message(WasmMsg::Execute {
            contract_addr: contract,
            msg: to_json_binary(&json!({"receive": {
                "sender": sender, "amount": a.to_string(), "msg": hook}}))?,
            funds: vec![],
        }));
    }
    Err(StdError::generic_err(format!(
        "unknown token message {msg}"
    )))
}

fn query(deps: Deps, _: Env, msg: Value) -> StdResult<Binary> {
    let who = msg["balance"]["address"].as_str().unwrap_or_default();
    to_json_binary(&json!({"balance": balance_of(deps, who).to_string()}))
}

/// Stores and instantiates the token with initial balances (account names).
pub fn create(s: &mut Suite, balances: &[(&str, u128)]) -> Addr {
    let code = s.store_code(Box::new(ContractWrapper::new(execute, instantiate, query)));
    let b: Vec<Value> = balances
        .iter()
        .map(|(w, a)| json!([s.addr(w).to_string(), a.to_string()]))
        .collect();
    s.instantiate_contract(
        code,
        "token-owner",
        &json!({ "balances": b }),
        &[],
        "hostile",
    )
    .unwrap()
}

/// The token's balance of an address.
pub fn balance(s: &Suite, token: &Addr, who: &str) -> u128 {
    let r: Value = s
        .query_contract(token, &json!({"balance": {"address": who}}))
        .unwrap();
    r["balance"].as_str().unwrap().parse().unwrap()
}

/// The step that switches the token's transfers off (`on`) or back on.
pub fn set_reverts(token: &str, on: bool) -> Step {
    Step::Wasm {
        sender: "anyone".into(),
        contract: token.to_string(),
        msg: Binary::new(json!({"set_reverts": {"on": on}}).to_string().into_bytes()),
        funds: vec![],
    }
}

/// What a message to the token sets its switch to, if it is a `set_reverts`.
pub fn reverts(msg: &Binary) -> Option<bool> {
    let v: Value = serde_json::from_slice(msg).ok()?;
    v.get("set_reverts")?.get("on")?.as_bool()
}
