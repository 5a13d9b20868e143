"""Session flows the views share: wizards, show-once secrets, list preferences, the visual
policy editor's choices."""
