"""Audiences: customer lists for ad platforms and e-mail tools, from contacts in an export."""

from segmentation.audiences.lists import AudienceList, email_tool_list, google_list, meta_list

__all__ = ["AudienceList", "email_tool_list", "google_list", "meta_list"]
