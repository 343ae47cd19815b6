// A ledger file the API sends as base64, turned back into its bytes and handed to the browser as a download.
export function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function download(file: { fileName: string; contentType: string; contentBase64: string }): void {
  const url = URL.createObjectURL(new Blob([base64Bytes(file.contentBase64)], { type: file.contentType }));
  const link = document.createElement("a");
  link.href = url;
  link.download = file.fileName;
  link.click();
  URL.revokeObjectURL(url);
}
