namespace tp::indexer {}
