"""Official statistics, kept as published beside the registry: their one room.

- `sources` lists the official sources cocwatch knows (an explicit list, and `register`
  for a plug-in's); `source` says what a source is to the store; each built-in source is a
  package of its own (`msds`: NHS England's Maternity Services Monthly Statistics);
- `store` keeps each release file as published, with its manifest (SPEC §7.1), and `index`
  reads them through a SQLite index in the cache folder;
- `merging` gives each Trust its official figures beside the ones people curate, and what
  the assessment compares them with;
- `importing` brings a file, or a source's releases, into the store.

Below it: the download cache, the network edge (`cocwatch.sources`) and the pure core;
above it: the registry package and the commands.
"""
