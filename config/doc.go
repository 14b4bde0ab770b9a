// Package config reads drawwatch's TOML configuration into typed structs,
// expands ${VAR} and *_file secrets, applies defaults and validates every
// section before anything starts, naming the key (and line) that is wrong.
package config
