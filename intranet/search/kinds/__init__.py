"""What is indexed: the core's kinds (posts, comments, files, groups, people, messages)."""
