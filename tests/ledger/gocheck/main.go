// Checks one campaign's public log as published in a static mirror, with Go's own
// golang.org/x/mod/sumdb/note (signed notes) and sumdb/tlog (RFC 6962 trees): the
// checkpoint's signature by the log's key, the root of the entries, and an inclusion
// proof for every entry. Prints the checkpoint's size, time and root; exits 1 on any
// mismatch.
//
//	gocheck MIRROR_DIR SLUG
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const entriesPerPage = 1000

type page struct {
	Start   int64    `json:"start"`
	Entries []string `json:"entries"`
}

type memory map[int64]tlog.Hash

func (m memory) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, index := range indexes {
		h, ok := m[index]
		if !ok {
			return nil, fmt.Errorf("no stored hash %d", index)
		}
		out[i] = h
	}
	return out, nil
}

func fail(format string, args ...any) {
	fmt.Printf("FAIL "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Println("usage: gocheck MIRROR_DIR SLUG")
		os.Exit(2)
	}
	dir := filepath.Join(os.Args[1], "c", os.Args[2], "log")
	key, err := os.ReadFile(filepath.Join(dir, "key"))
	if err != nil {
		fail("key: %v", err)
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(string(key)))
	if err != nil {
		fail("key: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		fail("checkpoint: %v", err)
	}
	signed, err := note.Open(raw, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	// c2sp.org/tlog-checkpoint: origin, size, root, then extension lines.
	lines := strings.Split(strings.TrimSuffix(signed.Text, "\n"), "\n")
	if len(lines) < 3 || lines[0] != verifier.Name() {
		fail("checkpoint: not this log's")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootBytes) != tlog.HashSize {
		fail("checkpoint root")
	}
	var root tlog.Hash
	copy(root[:], rootBytes)
	signedAt := "none"
	for _, line := range lines[3:] {
		if strings.HasPrefix(line, "time ") {
			signedAt = strings.TrimPrefix(line, "time ")
		}
	}

	stored := memory{}
	var leaves []tlog.Hash
	for start := int64(0); start < size; start += entriesPerPage {
		text, err := os.ReadFile(filepath.Join(dir, "entries", fmt.Sprintf("%d.json", start/entriesPerPage)))
		if err != nil {
			fail("entries from %d: %v", start, err)
		}
		var p page
		if err := json.Unmarshal(text, &p); err != nil || p.Start != start {
			fail("entries from %d: not a page of entries", start)
		}
		for _, entry := range p.Entries {
			if int64(len(leaves)) == size {
				break
			}
			leaf := tlog.RecordHash([]byte(entry))
			hashes, err := tlog.StoredHashes(int64(len(leaves)), []byte(entry), stored)
			if err != nil {
				fail("storing entry %d: %v", len(leaves), err)
			}
			for i, h := range hashes {
				stored[tlog.StoredHashIndex(0, int64(len(leaves)))+int64(i)] = h
			}
			leaves = append(leaves, leaf)
		}
	}
	if int64(len(leaves)) != size {
		fail("the mirror has %d entries, the checkpoint signs %d", len(leaves), size)
	}
	computed, err := tlog.TreeHash(size, stored)
	if err != nil {
		fail("tree hash: %v", err)
	}
	if computed != root {
		fail("the entries do not hash to the signed root")
	}
	for index, leaf := range leaves {
		proof, err := tlog.ProveRecord(size, int64(index), stored)
		if err != nil {
			fail("inclusion proof %d: %v", index, err)
		}
		if err := tlog.CheckRecord(proof, size, root, int64(index), leaf); err != nil {
			fail("inclusion proof %d: %v", index, err)
		}
	}
	fmt.Printf("OK %s size %d time %s root %s\n", lines[0], size, signedAt, lines[2])
}
