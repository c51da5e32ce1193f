package components

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// sourceFile is one file read from the dataflow's folder.
type sourceFile struct {
	path    string // slash-separated, relative to the folder
	content []byte
	mode    fs.FileMode
}

// kind is what a path names.
type kind int

const (
	regularFile kind = iota
	folder
	otherFile // sockets, devices, pipes: never shipped
)

// source is where the dataflow's files are read from: a folder of this
// machine, confined to itself, or an fs.FS. Paths are slash-separated and
// relative to its root ("." is the root).
type source interface {
	// stat describes what a path names, links followed; its size and mode
	// serve for the file's content too.
	stat(rel string) (fs.FileInfo, error)
	readDir(rel string) ([]string, error)
	readFile(rel string) ([]byte, error)
	// real identifies a folder, to detect links that loop.
	real(rel string) string
	// show names a path in an error.
	show(rel string) string
}

// escapeError is a symbolic link that leads out of the folder.
type escapeError struct {
	link, target string
}

func (e *escapeError) Error() string {
	return fmt.Sprintf("%s is a symbolic link to %s, outside the folder; copy what it points to into the folder, or point Directory at a folder that holds both", e.link, e.target)
}

// dirSource reads a folder of this machine. Symbolic links are followed
// while they resolve inside it; one that leads out is an *escapeError.
type dirSource struct {
	root  string // symbolic links resolved
	shown string // as the user gave it, made absolute
	// resolved caches each path's real path, so that every entry costs a
	// few system calls however deep it lies.
	resolved map[string]string
}

func newDirSource(root, shown string) *dirSource {
	return &dirSource{root: root, shown: shown, resolved: map[string]string{".": root}}
}

// resolve returns the real path of rel, from its folder's real path: a
// plain entry is that folder's real path and its name, and a link must
// resolve inside the root.
func (d *dirSource) resolve(rel string) (string, error) {
	rel = path.Clean(rel)
	if real, ok := d.resolved[rel]; ok {
		return real, nil
	}
	parent, err := d.resolve(path.Dir(rel))
	if err != nil {
		return "", err
	}
	candidate := filepath.Join(parent, path.Base(rel))
	info, err := os.Lstat(candidate)
	if err != nil {
		return "", err
	}
	real := candidate
	if info.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(candidate)
		resolved, err := filepath.EvalSymlinks(candidate)
		if err != nil {
			return "", fmt.Errorf("%s is a symbolic link to %s, which does not exist: %w", d.show(rel), target, fs.ErrNotExist)
		}
		if !within(d.root, resolved) {
			return "", &escapeError{link: d.show(rel), target: target}
		}
		real = resolved
	}
	d.resolved[rel] = real
	return real, nil
}

func (d *dirSource) stat(rel string) (fs.FileInfo, error) {
	real, err := d.resolve(rel)
	if err != nil {
		return nil, err
	}
	return os.Stat(real)
}

func (d *dirSource) readDir(rel string) ([]string, error) {
	real, err := d.resolve(rel)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(real)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, nil
}

func (d *dirSource) readFile(rel string) ([]byte, error) {
	real, err := d.resolve(rel)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(real)
}

func (d *dirSource) real(rel string) string {
	real, _ := d.resolve(rel)
	return real
}

func (d *dirSource) show(rel string) string {
	return filepath.Join(d.shown, filepath.FromSlash(rel))
}

// fsSource reads an fs.FS, such as an embed.FS, or a folder of one.
type fsSource struct {
	fsys   fs.FS
	prefix string // the folder's path in the FS, for errors
}

func (f fsSource) stat(rel string) (fs.FileInfo, error) {
	return fs.Stat(f.fsys, rel)
}

func (f fsSource) readDir(rel string) ([]string, error) {
	entries, err := fs.ReadDir(f.fsys, rel)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, nil
}

func (f fsSource) readFile(rel string) ([]byte, error) {
	return fs.ReadFile(f.fsys, rel)
}

func (f fsSource) real(rel string) string { return rel }

func (f fsSource) show(rel string) string { return "FS:" + f.prefix + rel }

func kindOf(mode fs.FileMode) kind {
	switch {
	case mode.IsDir():
		return folder
	case mode.IsRegular():
		return regularFile
	}
	return otherFile
}

// within reports whether p is base or lies inside it. Both are clean,
// absolute paths.
func within(base, p string) bool {
	rel, err := filepath.Rel(base, p)
	return err == nil && (rel == "." || filepath.IsLocal(rel))
}

// Bounds on what is read, well above what a ConfigMap's 1 MiB can hold, so
// that a hostile folder (links fanning out to the same folders, a huge
// file) fails fast instead of exhausting time or memory.
const (
	maxEntries   = 20000
	maxReadBytes = 64 << 20
)

// collector gathers the files of the entries, each once.
type collector struct {
	src     source
	exclude []string
	seen    map[string]bool
	files   []sourceFile
	entries int   // files and folders visited
	bytes   int64 // bytes read
}

func newCollector(src source, exclude []string) *collector {
	return &collector{src: src, exclude: exclude, seen: map[string]bool{}}
}

// excluded reports whether a path found in a folder is left out.
func (c *collector) excluded(rel string) bool {
	for _, pattern := range c.exclude {
		if ok, _ := doublestar.Match(pattern, rel); ok {
			return true
		}
	}
	return false
}

// add reads an entry: a file, or every file under a folder. An entry named
// outright is shipped even if an exclude pattern matches it.
func (c *collector) add(entry string) error {
	rel := path.Clean(entry)
	info, err := c.src.stat(rel)
	if err != nil {
		return err
	}
	switch kindOf(info.Mode()) {
	case folder:
		return c.walk(rel, []string{c.src.real(rel)})
	case regularFile:
		return c.read(rel, info)
	}
	return fmt.Errorf("%s is neither a file nor a folder", c.src.show(rel))
}

// walk reads a folder's files in name order. chain holds the real paths
// of the folders being walked, so that a link back to one of them is an
// error rather than an endless walk.
func (c *collector) walk(dir string, chain []string) error {
	names, err := c.src.readDir(dir)
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if c.entries++; c.entries > maxEntries {
			return fmt.Errorf("it holds more than %d files and folders (counting each path a link leads to), far more than a ConfigMap's 1 MiB can hold; ship the code alone, or exclude the rest", maxEntries)
		}
		rel := name
		if dir != "." {
			rel = dir + "/" + name
		}
		if c.excluded(rel) {
			continue
		}
		info, err := c.src.stat(rel)
		if err != nil {
			return err
		}
		switch kindOf(info.Mode()) {
		case folder:
			real := c.src.real(rel)
			for _, r := range chain {
				if r == real {
					return fmt.Errorf("%s leads back to %s, a folder that holds it, and would be shipped endlessly", c.src.show(rel), r)
				}
			}
			if err := c.walk(rel, append(chain, real)); err != nil {
				return err
			}
		case regularFile:
			if err := c.read(rel, info); err != nil {
				return err
			}
		}
	}
	return nil
}

// read reads a file that stat described.
func (c *collector) read(rel string, info fs.FileInfo) error {
	if c.seen[rel] {
		return nil
	}
	if c.bytes += info.Size(); c.bytes > maxReadBytes {
		return fmt.Errorf("the files add up to more than %d MiB, far more than a ConfigMap's 1 MiB can hold; ship the code alone, or exclude the rest", maxReadBytes>>20)
	}
	content, err := c.src.readFile(rel)
	if err != nil {
		return err
	}
	c.seen[rel] = true
	c.files = append(c.files, sourceFile{path: rel, content: content, mode: info.Mode()})
	return nil
}

// sorted returns the files in path order.
func (c *collector) sorted() []sourceFile {
	sort.Slice(c.files, func(i, j int) bool { return c.files[i].path < c.files[j].path })
	return c.files
}

// describeFileError words an error met while reading an entry.
func describeFileError(src source, rel string, err error) string {
	var escape *escapeError
	switch {
	case errors.As(err, &escape):
		return escape.Error()
	case errors.Is(err, fs.ErrNotExist):
		if strings.Contains(err.Error(), "symbolic link") {
			return err.Error()
		}
		return fmt.Sprintf("%s does not exist", src.show(rel))
	}
	return err.Error()
}
