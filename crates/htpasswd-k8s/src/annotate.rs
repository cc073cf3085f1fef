//! Adding the auth annotations to the Ingresses of an existing manifest stream.

use serde_json::{Map, Value};

use crate::controller::{AuthConfig, CLUSTER_ISSUER_ANNOTATION, Controller};
use crate::document::{Format, kind, objects_mut, read_stream, write_stream};
use crate::error::{Field, K8sError, check};
use crate::validate;

/// What `annotate` adds, and to which Ingresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotateRequest {
    /// The auth annotations.
    pub auth: AuthConfig,
    /// Only the Ingress(es) with this `metadata.name`; `None`: every Ingress.
    pub ingress: Option<String>,
    /// Also set cert-manager's ClusterIssuer annotation.
    pub cluster_issuer: Option<String>,
    /// Also turn off the HTTP to HTTPS redirect.
    pub no_ssl_redirect: bool,
}

impl AnnotateRequest {
    /// Checks the annotation values.
    ///
    /// # Errors
    /// [`K8sError::Invalid`] naming the first invalid value.
    pub fn validate(&self) -> Result<(), K8sError> {
        check(Field::AuthSecret, &self.auth.secret, validate::auth_secret)?;
        check(Field::Realm, &self.auth.realm, validate::realm)?;
        if let Some(i) = &self.cluster_issuer {
            check(Field::ClusterIssuer, i, validate::object_name)?;
        }
        Ok(())
    }
}

/// The annotated stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotated {
    /// The whole stream, in the input's format.
    pub output: String,
    /// `namespace/name` (or `name`) of every Ingress annotated, in stream order.
    pub annotated: Vec<String>,
}

/// Reads a YAML or JSON stream (JSON when it starts with `{` or `[`), including `List`
/// documents (`kubectl get -o yaml`), sets the controller's auth annotations on every Ingress
/// (or those named `req.ingress`), replacing earlier values of the same keys, and writes every
/// document back in the input's format: other documents and fields keep their meaning and key
/// order (comments and YAML styles are not kept).
///
/// # Errors
/// Invalid annotation values, input that does not parse, an Ingress whose `metadata` or
/// `metadata.annotations` is not a mapping, or no Ingress to annotate. Nothing is written then.
pub fn annotate(
    controller: Controller,
    input: &str,
    req: &AnnotateRequest,
) -> Result<Annotated, K8sError> {
    req.validate()?;
    let (format, mut docs) = read_stream(input)?;
    let mut annotations: Vec<(String, String)> = controller
        .auth_annotations(&req.auth)?
        .into_iter()
        .collect();
    if let Some(issuer) = &req.cluster_issuer {
        annotations.push((CLUSTER_ISSUER_ANNOTATION.to_owned(), issuer.clone()));
    }
    if req.no_ssl_redirect {
        annotations.push(
            controller
                .no_ssl_redirect_annotation()
                .ok_or(K8sError::Unsupported {
                    controller,
                    what: "annotation that turns off the HTTPS redirect",
                })?,
        );
    }
    let mut annotated = Vec::new();
    for (i, doc) in docs.iter_mut().enumerate() {
        for object in objects_mut(doc) {
            if kind(object) == Some("Ingress") {
                annotate_ingress(object, i + 1, req, &annotations, &mut annotated)?;
            }
        }
    }
    if annotated.is_empty() {
        return Err(K8sError::NoIngress {
            name: req.ingress.clone(),
        });
    }
    let output = match format {
        Format::Yaml => write_stream(&docs, Format::Yaml)?,
        Format::Json => {
            let mut out = String::new();
            for doc in &docs {
                out.push_str(&write_stream(core::slice::from_ref(doc), Format::Json)?);
            }
            out
        }
    };
    Ok(Annotated { output, annotated })
}

/// Sets `annotations` on the Ingress `ing` (from document `number`) when it is the one asked
/// for, and notes its name in `annotated`.
fn annotate_ingress(
    ing: &mut Value,
    number: usize,
    req: &AnnotateRequest,
    annotations: &[(String, String)],
    annotated: &mut Vec<String>,
) -> Result<(), K8sError> {
    let name = ing
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if req.ingress.as_ref().is_some_and(|want| *want != name) {
        return Ok(());
    }
    let namespace = ing
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let shape = |what: &str| K8sError::Shape {
        document: number,
        what: format!("Ingress {name:?}: {what}"),
    };
    let metadata = ing
        .get_mut("metadata")
        .ok_or_else(|| shape("has no metadata"))?
        .as_object_mut()
        .ok_or_else(|| shape("metadata is not a mapping"))?;
    // Replaces a null in place, or appends.
    if matches!(metadata.get("annotations"), None | Some(Value::Null)) {
        metadata.insert("annotations".to_owned(), Value::Object(Map::new()));
    }
    let map = metadata
        .get_mut("annotations")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| shape("metadata.annotations is not a mapping"))?;
    for (k, v) in annotations {
        // Replaces an earlier value in place, or appends.
        map.insert(k.clone(), Value::String(v.clone()));
    }
    annotated.push(match namespace {
        Some(ns) => format!("{ns}/{name}"),
        None => name,
    });
    Ok(())
}
