"""Reading text: words and stems, a chat message's prose and sentences. The core's bottom layer."""
