"""Starting workflows and the AWS resources their steps create."""
