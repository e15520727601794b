#!/usr/bin/env node
'use strict'
// The `imgtier` command. In a checkout (TypeScript sources and dev dependencies present)
// it runs the sources; in an install or the Docker image, the compiled dist/.
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const source = path.join(root, 'bootstrap', 'cli.ts')
const canRunSource = () => {
  try {
    require.resolve('@swc-node/register', { paths: [root] })
    return fs.existsSync(source)
  } catch {
    return false
  }
}

if (canRunSource()) {
  require(require.resolve('@swc-node/register', { paths: [root] }))
  require(source)
} else {
  require(path.join(root, 'dist', 'bootstrap', 'cli.js'))
}
