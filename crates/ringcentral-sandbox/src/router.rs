//! Maps a request's method and path to an operation of the catalog and its path parameters.
//! Paths are matched segment by segment; a literal segment beats a `{param}` segment, so
//! `/extension/{extensionId}/sms` and `/extension/~/sms` both find `createSMSMessage` while
//! `/directory/entries/search` is never taken for an entry id.

use std::collections::HashMap;

use ringcentral_api::{Method, ThrottlingGroup};

/// One routable operation.
#[derive(Debug, Clone)]
pub struct Route {
    pub operation_id: &'static str,
    pub method: Method,
    pub template: &'static str,
    pub throttling_group: Option<ThrottlingGroup>,
    /// The catalog entry, when the operation comes from the generated catalog.
    pub operation: Option<&'static ringcentral_api::Operation>,
    param_names: Vec<&'static str>,
}

/// A successful match.
#[derive(Debug)]
pub struct Matched<'r> {
    pub route: &'r Route,
    /// Path parameters, percent-decoded, in template order.
    pub params: Vec<(&'static str, String)>,
}

#[derive(Debug, Default)]
struct Node {
    literal: HashMap<&'static str, Node>,
    param: Option<Box<Node>>,
    routes: Vec<(Method, usize)>,
}

/// The route table.
#[derive(Debug, Default)]
pub struct Router {
    routes: Vec<Route>,
    root: Node,
}

/// What a lookup found.
#[derive(Debug)]
pub enum Lookup<'r> {
    Found(Matched<'r>),
    /// The path exists but not for this method.
    MethodNotAllowed,
    NotFound,
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

fn is_param(seg: &str) -> bool {
    seg.starts_with('{') && seg.ends_with('}')
}

impl Router {
    pub fn new() -> Router {
        Router::default()
    }

    /// Adds an operation. The first route added for a (method, template) wins; later duplicates are
    /// ignored, so that catalog entries can be added before hand-written fallbacks.
    pub fn add(
        &mut self,
        operation_id: &'static str,
        method: Method,
        template: &'static str,
        throttling_group: Option<ThrottlingGroup>,
        operation: Option<&'static ringcentral_api::Operation>,
    ) {
        let mut node = &mut self.root;
        let mut names = Vec::new();
        for seg in segments(template) {
            if is_param(seg) {
                names.push(&seg[1..seg.len() - 1]);
                node = node.param.get_or_insert_with(Default::default);
            } else {
                node = node.literal.entry(seg).or_default();
            }
        }
        if node.routes.iter().any(|(m, _)| *m == method) {
            return;
        }
        node.routes.push((method, self.routes.len()));
        self.routes.push(Route {
            operation_id,
            method,
            template,
            throttling_group,
            operation,
            param_names: names,
        });
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    pub fn contains(&self, operation_id: &str) -> bool {
        self.routes.iter().any(|r| r.operation_id == operation_id)
    }

    /// The methods that `path` answers to (for the `Allow` header of a 405).
    pub fn allowed(&self, path: &str) -> Vec<Method> {
        [
            Method::Get,
            Method::Post,
            Method::Put,
            Method::Patch,
            Method::Delete,
        ]
        .into_iter()
        .filter(|m| matches!(self.lookup(*m, path), Lookup::Found(_)))
        .collect()
    }

    /// Finds the route for `method` and `path` (no query string).
    pub fn lookup(&self, method: Method, path: &str) -> Lookup<'_> {
        let segs: Vec<&str> = segments(path).collect();
        let mut values = Vec::new();
        let mut path_exists = false;
        if let Some(idx) = find(&self.root, &segs, method, &mut values, &mut path_exists) {
            let route = &self.routes[idx];
            let params = route
                .param_names
                .iter()
                .copied()
                .zip(values.into_iter().map(|v| {
                    percent_encoding::percent_decode_str(v)
                        .decode_utf8_lossy()
                        .into_owned()
                }))
                .collect();
            return Lookup::Found(Matched { route, params });
        }
        if path_exists {
            Lookup::MethodNotAllowed
        } else {
            Lookup::NotFound
        }
    }
}

fn find<'p>(
    node: &Node,
    segs: &[&'p str],
    method: Method,
    values: &mut Vec<&'p str>,
    path_exists: &mut bool,
) -> Option<usize> {
    let Some((first, rest)) = segs.split_first() else {
        if !node.routes.is_empty() {
            *path_exists = true;
        }
        return node
            .routes
            .iter()
            .find(|(m, _)| *m == method)
            .map(|(_, i)| *i);
    };
    if let Some(child) = node.literal.get(first)
        && let Some(found) = find(child, rest, method, values, path_exists)
    {
        return Some(found);
    }
    if let Some(child) = &node.param {
        values.push(first);
        if let Some(found) = find(child, rest, method, values, path_exists) {
            return Some(found);
        }
        values.pop();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Router {
        let mut r = Router::new();
        let ops: [(&'static str, Method, &'static str); 6] = [
            (
                "readExtension",
                Method::Get,
                "/restapi/v1.0/account/{accountId}/extension/{extensionId}",
            ),
            (
                "listExtensions",
                Method::Get,
                "/restapi/v1.0/account/{accountId}/extension",
            ),
            (
                "readDirectoryEntry",
                Method::Get,
                "/restapi/v1.0/account/{accountId}/directory/entries/{entryId}",
            ),
            (
                "searchDirectoryEntries",
                Method::Post,
                "/restapi/v1.0/account/{accountId}/directory/entries/search",
            ),
            ("readAPIVersion", Method::Get, "/restapi/{apiVersion}"),
            ("readAPIVersions", Method::Get, "/restapi"),
        ];
        for (id, m, t) in ops {
            r.add(id, m, t, None, None);
        }
        r
    }

    fn found(
        r: &Router,
        m: Method,
        p: &str,
    ) -> Option<(&'static str, Vec<(&'static str, String)>)> {
        match r.lookup(m, p) {
            Lookup::Found(x) => Some((x.route.operation_id, x.params)),
            _ => None,
        }
    }

    #[test]
    fn params_are_extracted_and_decoded() {
        let r = table();
        let (op, params) =
            found(&r, Method::Get, "/restapi/v1.0/account/~/extension/12%2034").unwrap_or_default();
        assert_eq!(op, "readExtension");
        assert_eq!(
            params,
            vec![
                ("accountId", "~".to_owned()),
                ("extensionId", "12 34".to_owned())
            ]
        );
    }

    #[test]
    fn literal_segments_beat_params() {
        let r = table();
        assert_eq!(
            found(
                &r,
                Method::Post,
                "/restapi/v1.0/account/~/directory/entries/search"
            )
            .map(|x| x.0),
            Some("searchDirectoryEntries")
        );
        assert_eq!(
            found(
                &r,
                Method::Get,
                "/restapi/v1.0/account/~/directory/entries/search"
            )
            .map(|x| x.0),
            Some("readDirectoryEntry")
        );
        assert_eq!(
            found(&r, Method::Get, "/restapi/v1.0/account/~/extension").map(|x| x.0),
            Some("listExtensions")
        );
        // `/restapi/v1.0` is an apiVersion, but a deeper literal path never matches it.
        assert_eq!(
            found(&r, Method::Get, "/restapi/v1.0").map(|x| x.0),
            Some("readAPIVersion")
        );
        assert_eq!(
            found(&r, Method::Get, "/restapi/").map(|x| x.0),
            Some("readAPIVersions")
        );
    }

    #[test]
    fn wrong_method_and_unknown_path_are_told_apart() {
        let r = table();
        assert!(matches!(
            r.lookup(Method::Delete, "/restapi/v1.0/account/~/extension"),
            Lookup::MethodNotAllowed
        ));
        assert!(matches!(
            r.lookup(Method::Get, "/restapi/v1.0/account/~/nothing"),
            Lookup::NotFound
        ));
    }

    #[test]
    fn every_catalog_template_finds_itself() {
        let mut r = Router::new();
        for op in ringcentral_api::OPERATIONS.iter() {
            r.add(
                op.operation_id,
                op.method,
                op.path,
                op.throttling_group,
                Some(op),
            );
        }
        for op in ringcentral_api::OPERATIONS.iter() {
            let concrete = op.path.replace('{', "x").replace('}', "");
            match r.lookup(op.method, &concrete) {
                Lookup::Found(m) => assert_eq!(
                    m.route.template, op.path,
                    "{} routed elsewhere",
                    op.operation_id
                ),
                other => panic!("{} not routed: {other:?}", op.operation_id),
            }
        }
    }
}
