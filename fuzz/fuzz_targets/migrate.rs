//! Arbitrary bytes as a `migrate` input stream, to every target. Never panics; whatever is
//! migrated holds no value that breaks its rule: the output reads back, every user's hash is
//! free of white space and control characters, and the realm passes ingress-nginx's rule.
#![no_main]

use htpasswd_k8s::{
    Controller, Format, MigrateRequest, Value, migrate, parse_stream, validate, write_stream,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = core::str::from_utf8(data) else {
        return;
    };
    for (to, auth_server) in Controller::ALL
        .into_iter()
        .flat_map(|to| [(to, false), (to, true)])
    {
        let req = MigrateRequest {
            namespace: Some("default".to_owned()),
            auth_server,
            // The targets without basic auth of their own turn the Ingress into an HTTPRoute.
            gateway: (!to.has_basic_auth()).then(|| "gw".to_owned()),
            ..MigrateRequest::new(to)
        };
        let Ok(done) = migrate(input, &req) else {
            continue;
        };
        let yaml = write_stream(&done.documents, Format::Yaml).expect("writes");
        assert_eq!(
            parse_stream(&yaml, Format::Yaml).expect("our output reads back"),
            done.documents
        );
        // No user smuggled in: every value of the Secret is hashes without white space or
        // control characters (one per key, or one `user:hash` per line of the file key).
        let secret = &done.documents[0];
        if let Some(Value::Object(entries)) = secret.get("data") {
            for (key, v) in entries {
                assert!(validate::secret_key(key).is_ok(), "Secret key {key:?}");
                let bytes: k8s_openapi::ByteString =
                    serde_json::from_value(v.clone()).expect("data is base64");
                let text = String::from_utf8(bytes.0).expect("hashes are UTF-8");
                let file = Controller::ALL
                    .iter()
                    .any(|c| c.auth_file_key() == Some(key));
                let hashes: Vec<&str> = if file {
                    text.lines()
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(|l| l.split_once(':').map_or(l, |(_, hash)| hash))
                        .collect()
                } else {
                    vec![text.as_str()]
                };
                for hash in hashes {
                    assert!(
                        !hash.chars().any(|c| c.is_whitespace() || c.is_control()),
                        "{to}: a hash with white space or control characters"
                    );
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
