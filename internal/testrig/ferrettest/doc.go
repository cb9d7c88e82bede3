// Package ferrettest gives tests a real MongoDB-wire server of their own:
// FerretDB v1 with its SQLite handler, so no other server is needed,
// started on a free 127.0.0.1 port with its data in a temporary folder.
//
// The binary is the one named by OGCARD_TEST_FERRETDB, else ferretdb on
// PATH, else GOPATH/bin/ferretdb (where .ci/run builds it). With no
// binary, tests skip, except under CI (env CI set), where a missing
// server is a failure rather than a silently untested source.
package ferrettest
