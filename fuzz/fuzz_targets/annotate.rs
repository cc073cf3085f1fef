//! Arbitrary bytes as an `ingress-auth annotate` input stream (YAML or JSON). Never panics;
//! whatever is accepted re-parses, and annotating the output again changes nothing (the
//! written stream reads back as what was written: parse -> serialise -> parse).
#![no_main]

use htpasswd_k8s::{AnnotateRequest, AuthConfig, Controller, SecretType, annotate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = core::str::from_utf8(data) else {
        return;
    };
    let req = AnnotateRequest {
        auth: AuthConfig {
            secret: "basic-auth".to_owned(),
            realm: AuthConfig::DEFAULT_REALM.to_owned(),
            secret_type: SecretType::AuthFile,
        },
        ingress: None,
        cluster_issuer: None,
        no_ssl_redirect: false,
    };
    if let Ok(first) = annotate(Controller::IngressNginx, input, &req) {
        let again = annotate(Controller::IngressNginx, &first.output, &req)
            .expect("our own output must annotate again");
        assert_eq!(again.output, first.output, "annotate is not idempotent");
        assert_eq!(again.annotated, first.annotated);
    }
    // The secret reader sees the same bytes.
    let _ = htpasswd_k8s::read_auth_secret(Controller::IngressNginx, input, None);
});
