//! Arbitrary bytes as a `migrate` input stream, to every target. Never panics; whatever is
//! migrated holds no value that breaks its rule: the output reads back, every user's hash is
//! free of white space and control characters, and the realm passes ingress-nginx's rule.
#![no_main]

use htpasswd_k8s::{Controller, Format, MigrateRequest, Value, migrate, parse_stream, validate, write_stream};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = core::str::from_utf8(data) else {
        return;
    };
    for to in Controller::ALL {
        let req = MigrateRequest {
            to,
            ingress: None,
            httproute: None,
            class: None,
            namespace: Some("default".to_owned()),
        };
        let Ok(done) = migrate(input, &req) else {
            continue;
        };
        let yaml = write_stream(&done.documents, Format::Yaml).expect("writes");
        assert_eq!(
            parse_stream(&yaml, Format::Yaml).expect("our output reads back"),
            done.documents
        );
        let secret = &done.documents[0];
        for section in ["data", "stringData"] {
            if let Some(Value::Object(entries)) = secret.get(section) {
                for (key, v) in entries {
                    assert!(validate::secret_key(key).is_ok(), "Secret key {key:?}");
                    if let Value::String(s) = v
                        && section == "stringData"
                    {
                        for line in s.lines() {
                            assert!(!line.contains(['\r', '\t']), "{to}: {line:?}");
                        }
                    }
                }
            }
        }
        for doc in &done.documents {
            for realm in [
                doc.pointer("/spec/basicAuth/realm"),
                doc.pointer("/metadata/annotations/haproxy.org~1auth-realm"),
                doc.pointer("/metadata/annotations/nginx.org~1basic-auth-realm"),
                doc.pointer("/metadata/annotations/nginx.ingress.kubernetes.io~1auth-realm"),
            ]
            .into_iter()
            .flatten()
            {
                let realm = realm.as_str().expect("realm is a string");
                assert!(validate::realm(realm).is_ok(), "{to}: realm {realm:?}");
            }
        }
    }
});
