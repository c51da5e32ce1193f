package components

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// tarballKey is the ConfigMap key of the tarball, when files are nested.
const tarballKey = "dataflow.tar.gz"

// maxConfigMapBytes is Kubernetes' limit on a ConfigMap's payload. Binary
// data is counted base64-encoded, as it travels and is stored.
const maxConfigMapBytes = 1 << 20

// dataflowFiles is the payload of the ConfigMap.
type dataflowFiles struct {
	// data holds UTF-8 files by key; binaryData other files, or the tarball.
	data       map[string]string
	binaryData map[string][]byte
	// tarball is true when binaryData holds tarballKey and nothing else.
	tarball bool
	// paths are the shipped files, slash-separated and relative to the
	// directory, sorted.
	paths []string
}

// nested reports whether any file lies in a folder, which a ConfigMap key
// cannot express.
func nested(files []sourceFile) bool {
	for _, f := range files {
		if strings.Contains(f.path, "/") {
			return true
		}
	}
	return false
}

// packFiles lays the files out as a ConfigMap payload: one key per file when
// they are all at the top, one tarball otherwise.
func packFiles(files []sourceFile) (*dataflowFiles, error) {
	out := &dataflowFiles{data: map[string]string{}, binaryData: map[string][]byte{}}
	for _, f := range files {
		out.paths = append(out.paths, f.path)
	}
	if nested(files) {
		tarball, err := deterministicTarball(files)
		if err != nil {
			return nil, err
		}
		out.binaryData[tarballKey] = tarball
		out.tarball = true
		return out, nil
	}
	for _, f := range files {
		if utf8.Valid(f.content) {
			out.data[f.path] = string(f.content)
		} else {
			out.binaryData[f.path] = f.content
		}
	}
	return out, nil
}

// deterministicTarball writes the files and their folders as a gzip tarball
// whose bytes depend only on paths, contents and the executable bit: entries
// are sorted and times, owners and other mode bits are fixed, so an
// unchanged tree never shows a diff.
func deterministicTarball(files []sourceFile) ([]byte, error) {
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	epoch := time.Unix(0, 0).UTC()
	dirs := map[string]bool{}
	for _, f := range files {
		for dir := path.Dir(f.path); dir != "."; dir = path.Dir(dir) {
			dirs[dir] = true
		}
	}
	type entry struct {
		name string
		file *sourceFile
	}
	var entries []entry
	for dir := range dirs {
		entries = append(entries, entry{name: dir + "/"})
	}
	for i := range files {
		entries = append(entries, entry{name: files[i].path, file: &files[i]})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, ModTime: epoch, Format: tar.FormatPAX}
		if e.file == nil {
			hdr.Typeflag, hdr.Mode = tar.TypeDir, 0o755
		} else {
			hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeReg, 0o644, int64(len(e.file.content))
			if e.file.mode&0o111 != 0 {
				hdr.Mode = 0o755
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if e.file != nil {
			if _, err := tw.Write(e.file.content); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// size is the payload's size as Kubernetes counts it against its limit.
func (d *dataflowFiles) size() int {
	n := 0
	for k, v := range d.data {
		n += len(k) + len(v)
	}
	for k, v := range d.binaryData {
		n += len(k) + base64.StdEncoding.EncodedLen(len(v))
	}
	return n
}

// checksum identifies the payload. The pod template carries it, so that a
// change of the files rolls the pods onto the new code.
func (d *dataflowFiles) checksum() string {
	h := sha256.New()
	write := func(kind string, m map[string][]byte) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(h, "%s\x00%s\x00%d\x00", kind, k, len(m[k]))
			h.Write(m[k])
		}
	}
	data := make(map[string][]byte, len(d.data))
	for k, v := range d.data {
		data[k] = []byte(v)
	}
	write("data", data)
	write("binaryData", d.binaryData)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// keys are the ConfigMap's keys, sorted.
func (d *dataflowFiles) keys() []string {
	var keys []string
	for k := range d.data {
		keys = append(keys, k)
	}
	for k := range d.binaryData {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
