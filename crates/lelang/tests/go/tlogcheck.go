// tlogcheck verifies a lelang transparency log with Go's golang.org/x/mod/sumdb/tlog and
// sumdb/note: code lelang did not write. It exits 0 when everything verifies and 1 (with the
// reason on stderr) when anything does not.
//
// Build offline with Debian's golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o tlogcheck tlogcheck.go
//
// Usage: tlogcheck -base URL-or-DIR -vkey VKEY [-old-size N -old-root B64] [-index I]
package main

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fetch(base, path string) ([]byte, error) {
	if strings.HasPrefix(base, "http://") || strings.HasPrefix(base, "https://") {
		resp, err := http.Get(strings.TrimSuffix(base, "/") + "/" + path)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		return io.ReadAll(resp.Body)
	}
	return os.ReadFile(filepath.Join(base, filepath.FromSlash(path)))
}

// C2SP tlog-tiles drops sumdb's height element: tile/8/L/N becomes tile/L/N, data tiles are entries.
func tilePath(t tlog.Tile) string {
	p := t.Path()
	if t.L < 0 {
		return "log/" + strings.Replace(p, "tile/8/data/", "tile/entries/", 1)
	}
	return "log/" + strings.Replace(p, "tile/8/", "tile/", 1)
}

type tiles struct{ base string }

func (r tiles) Height() int { return 8 }
func (r tiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, t := range ts {
		b, err := fetch(r.base, tilePath(t))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}
func (r tiles) SaveTiles([]tlog.Tile, [][]byte) {}

func decodeBundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("truncated entry bundle")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, errors.New("truncated entry bundle")
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, nil
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlogcheck: "+format+"\n", args...)
	os.Exit(1)
}

type proofJSON struct {
	Proof []string `json:"proof"`
}

func decodeHashes(list []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != 32 {
			return nil, fmt.Errorf("bad hash %q", s)
		}
		copy(out[i][:], b)
	}
	return out, nil
}

func main() {
	base := flag.String("base", "", "log base URL or directory")
	vkey := flag.String("vkey", "", "verifier key")
	oldSize := flag.Int64("old-size", 0, "an earlier tree size to prove consistency with")
	oldRoot := flag.String("old-root", "", "that earlier root hash, base64")
	index := flag.Int64("index", -1, "a leaf whose inclusion to prove")
	flag.Parse()

	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	msg, err := fetch(*base, "log/checkpoint")
	if err != nil {
		fail("checkpoint: %v", err)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint body %q", n.Text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootBytes) != 32 {
		fail("checkpoint root: %v", err)
	}
	var tree tlog.Tree
	tree.N = size
	copy(tree.Hash[:], rootBytes)

	// TileHashReader checks every tile it reads against the signed tree hash.
	reader := tlog.TileHashReader(tree, tiles{*base})
	th, err := tlog.TreeHash(tree.N, reader)
	if err != nil {
		fail("tree hash from tiles: %v", err)
	}
	if th != tree.Hash {
		fail("tree hash %v != checkpoint %v", th, tree.Hash)
	}

	// Every entry hashes to the leaf hash the tiles hold.
	entries := make(map[int64][]byte)
	for start := int64(0); start < size; start += 256 {
		w := size - start
		if w > 256 {
			w = 256
		}
		tile := tlog.Tile{H: 8, L: -1, N: start / 256, W: int(w)}
		b, err := fetch(*base, tilePath(tile))
		if err != nil {
			fail("entries %d: %v", start, err)
		}
		list, err := decodeBundle(b)
		if err != nil || int64(len(list)) != w {
			fail("entry bundle at %d: %d entries, %v", start, len(list), err)
		}
		indexes := make([]int64, w)
		for i := range indexes {
			indexes[i] = tlog.StoredHashIndex(0, start+int64(i))
		}
		hashes, err := reader.ReadHashes(indexes)
		if err != nil {
			fail("leaf hashes at %d: %v", start, err)
		}
		for i, e := range list {
			if tlog.RecordHash(e) != hashes[i] {
				fail("entry %d does not match its leaf hash", start+int64(i))
			}
			entries[start+int64(i)] = e
		}
	}

	online := strings.HasPrefix(*base, "http")
	if *index >= 0 {
		if *index >= size {
			fail("index %d beyond size %d", *index, size)
		}
		leaf := tlog.RecordHash(entries[*index])
		p, err := tlog.ProveRecord(tree.N, *index, reader)
		if err != nil {
			fail("prove record: %v", err)
		}
		if err := tlog.CheckRecord(p, tree.N, tree.Hash, *index, leaf); err != nil {
			fail("record proof from tiles: %v", err)
		}
		if online {
			b, err := fetch(*base, fmt.Sprintf("api/v1/log/proof/inclusion?index=%d&size=%d", *index, size))
			if err != nil {
				fail("lelang inclusion proof: %v", err)
			}
			var pj proofJSON
			if err := json.Unmarshal(b, &pj); err != nil {
				fail("lelang inclusion proof: %v", err)
			}
			hs, err := decodeHashes(pj.Proof)
			if err != nil {
				fail("lelang inclusion proof: %v", err)
			}
			if err := tlog.CheckRecord(tlog.RecordProof(hs), tree.N, tree.Hash, *index, leaf); err != nil {
				fail("lelang's own inclusion proof: %v", err)
			}
		}
	}
	if *oldSize > 0 {
		ob, err := base64.StdEncoding.DecodeString(*oldRoot)
		if err != nil || len(ob) != 32 {
			fail("old root")
		}
		var old tlog.Hash
		copy(old[:], ob)
		p, err := tlog.ProveTree(tree.N, *oldSize, reader)
		if err != nil {
			fail("prove tree: %v", err)
		}
		if err := tlog.CheckTree(p, tree.N, tree.Hash, *oldSize, old); err != nil {
			fail("consistency from tiles: %v", err)
		}
		if online {
			b, err := fetch(*base, fmt.Sprintf("api/v1/log/proof/consistency?old=%d&new=%d", *oldSize, size))
			if err != nil {
				fail("lelang consistency proof: %v", err)
			}
			var pj proofJSON
			if err := json.Unmarshal(b, &pj); err != nil {
				fail("lelang consistency proof: %v", err)
			}
			hs, err := decodeHashes(pj.Proof)
			if err != nil {
				fail("lelang consistency proof: %v", err)
			}
			if err := tlog.CheckTree(tlog.TreeProof(hs), tree.N, tree.Hash, *oldSize, old); err != nil {
				fail("lelang's own consistency proof: %v", err)
			}
		}
	}
	fmt.Printf("ok %s size=%d root=%s\n", verifier.Name(), size, lines[2])
}
