"""Legal help: cases of detained people, screening with conflict checks over sealed data, the case team."""
