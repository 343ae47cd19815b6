// Handing a file to the browser as a download: a file the API sends as base64 (ledgers, exports), or a blob built
// here (the decision log's JSON lines).

/** The bytes of a base64 text, as the API sends a file's content. */
export function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Saves a blob under a file name, through a link the page never shows. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  // Revoked once the click has been handled: some browsers read the URL only after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Saves a file the API sent as base64 content with its name and type. */
export function download(file: { fileName: string; contentType: string; contentBase64: string }): void {
  downloadBlob(new Blob([base64Bytes(file.contentBase64)], { type: file.contentType }), file.fileName);
}
