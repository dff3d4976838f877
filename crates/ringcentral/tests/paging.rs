//! Paged listings over loopback HTTP in every style, a 401 in the middle of one, the page-size fallback,
//! and conditional GET.

mod common;

use std::time::Duration;

use common::{FakeRc, Fault, JWT, client_builder};
use futures::{StreamExt, TryStreamExt};
use ringcentral::{Client, Conditional, Paging, Request, SecretString, ThrottlingGroup};
use serde_json::Value;

async fn logged_in(rc: &FakeRc) -> Client {
    let client = client_builder(&rc.url).build().expect("client");
    client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    client
}

fn extensions() -> Request {
    Request::get("/restapi/v1.0/account/~/extension").group(ThrottlingGroup::Medium)
}

const PAGE_NUMBER: Paging = Paging::PageNumber {
    records: "records",
    per_page_max: Some(1000),
};

fn api_requests(rc: &FakeRc) -> Vec<String> {
    rc.log()
        .into_iter()
        .filter(|l| !l.contains("/restapi/oauth/"))
        .collect()
}

fn ids(records: &[Value]) -> Vec<u64> {
    records.iter().filter_map(|r| r["id"].as_u64()).collect()
}

#[tokio::test]
async fn page_numbers_follow_next_page_with_the_largest_page_size() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| s.records = 2345);
    let client = logged_in(&rc).await;
    let records: Vec<Value> = client
        .paginate(extensions(), PAGE_NUMBER)
        .try_collect()
        .await
        .expect("listing");
    assert_eq!(ids(&records), (0..2345).collect::<Vec<_>>());
    let requests = api_requests(&rc);
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(
        requests.iter().all(|r| r.contains("perPage=1000")),
        "{requests:?}"
    );

    // The caller's page size wins.
    let records: Vec<Value> = client
        .paginate(extensions().query("perPage", "500"), PAGE_NUMBER)
        .try_collect()
        .await
        .expect("listing");
    assert_eq!(records.len(), 2345);
    assert_eq!(api_requests(&rc).len(), 3 + 5);
}

#[tokio::test]
async fn a_refused_page_size_falls_back_to_the_servers_default() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| {
        s.records = 250;
        s.per_page_max = 200;
    });
    let client = logged_in(&rc).await;
    let paging = Paging::PageNumber {
        records: "records",
        per_page_max: None,
    };
    let records: Vec<Value> = client
        .paginate(extensions(), paging)
        .try_collect()
        .await
        .expect("listing");
    assert_eq!(ids(&records), (0..250).collect::<Vec<_>>());
    let requests = api_requests(&rc);
    assert!(requests[0].contains("perPage=1000"), "{requests:?}");
    assert!(!requests[1].contains("perPage=1000"), "{requests:?}");
}

#[tokio::test]
async fn a_401_in_the_middle_of_a_listing_refreshes_and_loses_nothing() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| s.records = 3000);
    let client = logged_in(&rc).await;
    let mut stream = std::pin::pin!(client.paginate(extensions(), PAGE_NUMBER));
    let mut records = Vec::new();
    while let Some(r) = stream.next().await {
        records.push(r.expect("record"));
        if records.len() == 1000 {
            // The access token dies between page 1 and page 2.
            rc.fault(Fault::ExpireTokens);
        }
    }
    assert_eq!(ids(&records), (0..3000).collect::<Vec<_>>());
    rc.with(|s| {
        assert_eq!(s.counters.api_401, 1);
        assert_eq!(s.counters.refreshes, 1);
    });
}

#[tokio::test]
async fn an_error_mid_listing_ends_the_stream_with_that_error() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| s.records = 1500);
    let client = logged_in(&rc).await;
    let mut stream = std::pin::pin!(client.paginate(extensions(), PAGE_NUMBER));
    let mut ok = 0;
    let mut error = None;
    while let Some(r) = stream.next().await {
        match r {
            Ok(_) => {
                ok += 1;
                if ok == 1000 {
                    rc.fault(Fault::status(403, r#"{"errorCode":"CMN-401","message":"In order to call this API endpoint, application needs to have [ReadAccounts] permission","errors":[{"errorCode":"CMN-401","message":"In order to call this API endpoint, application needs to have [ReadAccounts] permission"}]}"#));
                }
            }
            Err(e) => error = Some(e),
        }
    }
    assert_eq!(ok, 1000);
    let error = error.expect("the 403 surfaces");
    assert_eq!(error.error_code(), Some("CMN-401"));
}

#[tokio::test]
async fn page_tokens_for_team_messaging() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| s.records = 600);
    let client = logged_in(&rc).await;
    let paging = Paging::PageToken {
        records: "records",
        token_param: "pageToken",
        size: Some("recordCount"),
        size_max: Some(250),
    };
    let records: Vec<Value> = client
        .paginate(
            Request::get("/team-messaging/v1/chats").group(ThrottlingGroup::Medium),
            paging,
        )
        .try_collect()
        .await
        .expect("listing");
    assert_eq!(records.len(), 600);
    assert_eq!(records[599]["id"], "chat-599");
    let requests = api_requests(&rc);
    assert_eq!(requests.len(), 3);
    assert!(requests[2].contains("pageToken=500") && requests[2].contains("recordCount=250"));
}

#[tokio::test]
async fn raw_records_are_the_servers_text_in_the_same_walk() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| s.records = 2345);
    let client = logged_in(&rc).await;
    let values: Vec<Value> = client
        .paginate(extensions(), PAGE_NUMBER)
        .try_collect()
        .await
        .expect("listing");
    let raw: Vec<ringcentral::RawRecord> = client
        .paginate_raw(extensions(), PAGE_NUMBER)
        .try_collect()
        .await
        .expect("raw listing");
    assert_eq!(raw.len(), 2345);
    for (record, value) in raw.iter().zip(&values) {
        // The server writes compact JSON, in the order the value keeps.
        assert_eq!(record.json(), value.to_string().as_bytes());
    }
    // Three pages each way, with the largest page size.
    assert_eq!(api_requests(&rc).len(), 6);

    let pages: Vec<ringcentral::RawPage> = client
        .raw_pages(extensions().query("perPage", "1000"), PAGE_NUMBER)
        .try_collect()
        .await
        .expect("raw pages");
    let sizes: Vec<usize> = pages.iter().map(|p| p.records.len()).collect();
    assert_eq!(sizes, [1000, 1000, 345]);
    assert_eq!(pages[2].number, 3);
    assert_eq!(pages[2].body["paging"]["page"], 3);
    assert!(pages[0].body.get("records").is_none());

    let users: Vec<ringcentral::RawRecord> = client
        .paginate_raw(Request::get("/scim/v2/Users"), Paging::ScimIndex)
        .try_collect()
        .await
        .expect("SCIM listing");
    assert_eq!(users.len(), 2345);
    let last = users[2344].to_value().expect("a record");
    assert_eq!(last["userName"], "user2344@example.com");
}

#[tokio::test]
async fn scim_start_index_by_query_and_by_search_body() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| s.records = 2100);
    let client = logged_in(&rc).await;
    let users: Vec<Value> = client
        .paginate(Request::get("/scim/v2/Users"), Paging::ScimIndex)
        .try_collect()
        .await
        .expect("listing");
    assert_eq!(users.len(), 2100);
    assert_eq!(users[2099]["userName"], "user2099@example.com");
    assert_eq!(api_requests(&rc).len(), 3);

    let search = Request::post("/scim/v2/Users/.search")
        .json(serde_json::json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "count": 700}));
    let found: Vec<Value> = client
        .paginate(search, Paging::ScimIndex)
        .try_collect()
        .await
        .expect("search");
    assert_eq!(found.len(), 2100);
    assert_eq!(found[700]["id"], "u700");
}

#[tokio::test]
async fn sync_goes_fsync_then_isync_and_hands_back_the_token() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(&rc).await;
    let pages: Vec<ringcentral::Page> = client
        .pages(
            Request::get("/restapi/v1.0/account/~/extension/~/message-sync")
                .group(ThrottlingGroup::Light),
            Paging::Sync { records: "records" },
        )
        .try_collect()
        .await
        .expect("sync");
    let all: Vec<u64> = pages.iter().flat_map(|p| ids(&p.records)).collect();
    assert_eq!(all, (0..7).collect::<Vec<_>>());
    let last = pages.last().expect("pages");
    assert_eq!(
        last.sync_info().and_then(|s| s["syncToken"].as_str()),
        Some("t3")
    );
    let requests = api_requests(&rc);
    assert!(requests[0].contains("syncType=FSync"));
    assert!(requests[2].contains("syncType=ISync") && requests[2].contains("syncToken=t2"));
}

#[tokio::test]
async fn conditional_get_gives_not_modified_for_a_matching_etag() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(&rc).await;
    let entry = || {
        Request::get("/restapi/v1.0/account/~/directory/entries/7").group(ThrottlingGroup::Medium)
    };
    let first = client.send(entry()).await.expect("entry");
    let etag = first.etag().expect("etag").to_owned();
    match client
        .send_if_none_match(entry(), &etag)
        .await
        .expect("conditional")
    {
        Conditional::NotModified { etag: e, .. } => assert_eq!(e, etag),
        Conditional::Modified(r) => panic!("expected 304, got {}", r.status()),
    }
    match client
        .send_if_none_match(entry(), "\"stale\"")
        .await
        .expect("conditional")
    {
        Conditional::Modified(r) => {
            assert_eq!(r.json_value().expect("json")["firstName"], "Ada")
        }
        Conditional::NotModified { .. } => panic!("a stale ETag must fetch the entry"),
    }
}
