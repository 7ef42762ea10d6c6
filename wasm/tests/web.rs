#![cfg(target_arch = "wasm32")]
//! The bindings in a real browser (headless Chromium through wasm-bindgen-test-runner):
//! objects and JSON text in, bundles out, user errors as data.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MINIMAL_JSON: &str = r#"{"account":"111122223333","cluster":"https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF","serviceAccount":"payments/api","role":"payments-api","assume":{"deploy":"arn:aws:iam::444455556666:role/payments-deploy"}}"#;

fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).expect("property")
}

fn artifacts(bundle: &JsValue) -> js_sys::Array {
    get(bundle, "artifacts").dyn_into().expect("array")
}

fn generate(spec: JsValue) -> JsValue {
    irsa_wasm::generate(spec.unchecked_into())
        .map_err(JsValue::from)
        .expect("generate")
        .js_value()
}

#[wasm_bindgen_test]
fn an_object_spec_gives_the_golden_bundle() {
    let bundle = generate(parse(MINIMAL_JSON));
    let first = artifacts(&bundle).get(0);
    assert_eq!(
        get(&first, "path").as_string().as_deref(),
        Some("iam/payments-api.trust.json")
    );
    assert_eq!(
        get(&first, "kind").as_string().as_deref(),
        Some("trust-policy")
    );
    assert_eq!(
        get(&first, "content").as_string().as_deref(),
        Some(include_str!(
            "../../tests/golden/minimal/iam/payments-api.trust.json"
        ))
    );
    let config = artifacts(&bundle)
        .iter()
        .find(|a| get(a, "kind").as_string().as_deref() == Some("aws-config"))
        .expect("aws-config");
    assert_eq!(
        get(&config, "content").as_string().as_deref(),
        Some(include_str!("../../tests/golden/minimal/aws/config"))
    );
    let diagnostics: js_sys::Array = get(&bundle, "diagnostics").dyn_into().expect("array");
    assert_eq!(
        get(&diagnostics.get(0), "code").as_string().as_deref(),
        Some("cross-account-without-external-id")
    );
}

#[wasm_bindgen_test]
fn json_text_and_objects_agree() {
    let from_text =
        js_sys::JSON::stringify(&generate(JsValue::from_str(MINIMAL_JSON))).expect("json");
    let from_object = js_sys::JSON::stringify(&generate(parse(MINIMAL_JSON))).expect("json");
    assert_eq!(from_text, from_object);
}

#[wasm_bindgen_test]
fn user_errors_are_data_not_exceptions() {
    let bundle = generate(parse(
        r#"{"account":"1","cluster":"http://x","serviceAccount":"a/b","role":"r"}"#,
    ));
    assert_eq!(artifacts(&bundle).length(), 0);
    let diagnostics = irsa_wasm::validate(parse(r#"{"account":"1"}"#).unchecked_into())
        .map_err(JsValue::from)
        .expect("validate");
    let diagnostics: js_sys::Array = JsValue::from(diagnostics).dyn_into().expect("array");
    let first = diagnostics.get(0);
    assert_eq!(get(&first, "field").as_string().as_deref(), Some("account"));
    assert_eq!(
        get(&first, "severity").as_string().as_deref(),
        Some("error")
    );
    // Neither odd values nor YAML text throw.
    for odd in [
        JsValue::from_f64(3.0),
        JsValue::NULL,
        JsValue::from_str("account: x"),
        js_sys::Array::new().into(),
        JsValue::UNDEFINED,
    ] {
        let bundle = generate(odd);
        assert!(js_sys::Array::from(&get(&bundle, "diagnostics")).length() > 0);
    }
    // A value JSON cannot hold is a diagnostic naming the reason, not an exception.
    let with_bigint = parse(MINIMAL_JSON);
    js_sys::Reflect::set(
        &with_bigint,
        &"account".into(),
        &js_sys::BigInt::from(1u8).into(),
    )
    .expect("set");
    let bundle = generate(with_bigint);
    let message = get(
        &js_sys::Array::from(&get(&bundle, "diagnostics")).get(0),
        "message",
    );
    assert!(
        message.as_string().unwrap_or_default().contains("BigInt"),
        "{message:?}"
    );
}

#[wasm_bindgen_test]
fn numbers_from_js_are_read_like_yaml_integers() {
    let spec = MINIMAL_JSON.replace(r#""account":"111122223333""#, r#""account":111122223333"#);
    let from_number = js_sys::JSON::stringify(&generate(parse(&spec))).expect("json");
    let from_string = js_sys::JSON::stringify(&generate(parse(MINIMAL_JSON))).expect("json");
    assert_eq!(from_number, from_string);
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(irsa_wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn to_yaml_quotes_what_yaml_1_1_would_misread() {
    let yaml = irsa_wasm::to_yaml(parse(r#"{"account":"011122223333","serviceAccount":"on/yes","subjectPatterns":true,"durationSeconds":900}"#).unchecked_into()).expect("yaml");
    assert_eq!(
        yaml,
        "account: \"011122223333\"\nserviceAccount: on/yes\nsubjectPatterns: true\ndurationSeconds: 900\n"
    );
}

#[cfg(feature = "audit")]
mod audit {
    use super::*;

    fn audit(policy: &str) -> JsValue {
        irsa_wasm::audit(policy, None)
            .map_err(JsValue::from)
            .expect("audit")
            .js_value()
    }

    #[wasm_bindgen_test]
    fn an_aud_only_policy_lets_any_service_account_in() {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud":"sts.amazonaws.com"}}}]}"#;
        let report = get(&audit(policy), "report");
        let access = js_sys::Array::from(&get(&report, "access"));
        assert_eq!(get(&access.get(0), "anyServiceAccount"), JsValue::TRUE);
        let findings = js_sys::Array::from(&get(&report, "findings"));
        assert_eq!(get(&findings.get(0), "code"), JsValue::from_str("no-sub"));
        assert_eq!(get(&findings.get(0), "severity"), JsValue::from_str("high"));
    }

    #[wasm_bindgen_test]
    fn malformed_policies_come_back_as_data() {
        for policy in ["", "{", r#"{"Statement": 3}"#, "[]"] {
            let result = audit(policy);
            assert!(get(&result, "report").is_undefined(), "{policy}");
            let message = get(&get(&result, "error"), "message");
            assert!(
                message.as_string().is_some_and(|m| !m.is_empty()),
                "{policy}"
            );
        }
    }
}

#[cfg(feature = "yaml")]
mod yaml {
    use super::*;

    fn parse_spec(text: &str) -> JsValue {
        irsa_wasm::parse_spec(text)
            .map_err(JsValue::from)
            .expect("parseSpec")
            .js_value()
    }

    #[wasm_bindgen_test]
    fn yaml_is_read_as_the_core_reads_it() {
        let spec = get(
            &parse_spec("account: 012345678901\nregionalSts: yes\nserviceAccount: [on/off]\n"),
            "spec",
        );
        // Leading zeros stay text; `yes` and `on` are strings in YAML 1.2; maps are objects.
        assert_eq!(get(&spec, "account"), JsValue::from_str("012345678901"));
        assert_eq!(get(&spec, "regionalSts"), JsValue::from_str("yes"));
        let accounts = js_sys::Array::from(&get(&spec, "serviceAccount"));
        assert_eq!(accounts.get(0), JsValue::from_str("on/off"));
        assert!(!spec.is_instance_of::<js_sys::Map>());
    }

    #[wasm_bindgen_test]
    fn syntax_errors_come_back_as_data() {
        let result = parse_spec("account: [unclosed");
        assert!(get(&result, "spec").is_undefined());
        assert_eq!(
            get(&get(&result, "error"), "code"),
            JsValue::from_str("syntax")
        );
    }
}

#[wasm_bindgen_test]
fn schema_gives_the_cores_vocabulary() {
    let schema = irsa_wasm::schema()
        .map_err(JsValue::from)
        .expect("schema")
        .js_value();
    let partitions = js_sys::Array::from(&get(&schema, "partitions"));
    assert_eq!(
        partitions.length() as usize,
        irsa_core::arn::Partition::ALL.len()
    );
    let cn = partitions
        .iter()
        .find(|p| get(p, "name").as_string().as_deref() == Some("aws-cn"))
        .expect("aws-cn");
    assert_eq!(
        js_sys::Array::from(&get(&cn, "regionPrefixes"))
            .get(0)
            .as_string()
            .as_deref(),
        Some("cn-")
    );
    let kinds = js_sys::Array::from(&get(&schema, "workloadKinds"));
    assert_eq!(
        get(&kinds.get(1), "kind").as_string().as_deref(),
        Some("StatefulSet")
    );
    let defaults = get(&schema, "defaults");
    assert_eq!(get(&defaults, "tokenExpiration").as_f64(), Some(86_400.0));
    assert_eq!(
        get(&defaults, "configMapName").as_string().as_deref(),
        Some("<service account>-aws-config")
    );
}
