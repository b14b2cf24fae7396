/**
 * Opens a new tab at once, while the click still counts as the user's (a popup opened after an await is
 * blocked), then points it at the link once the API answered it. On failure the tab is closed and the
 * error thrown on.
 */
export async function openLinkInNewTab(link: () => Promise<{ url: string }>): Promise<void> {
  const tab = window.open("", "_blank");
  try {
    const { url } = await link();
    if (tab) {
      tab.opener = null;
      tab.location.href = url;
    } else window.location.assign(url);
  } catch (error) {
    tab?.close();
    throw error;
  }
}
