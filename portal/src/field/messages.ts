// The phone pages' messages for photos, spread into the catalogues (zh-CN first).
export const fieldZh = {
  "report.photos": "现场照片（可多张）",
  "report.photoCount": "已选 {count} 张照片，随上报一起发送",
  "report.photosTooMany": "一次最多 {max} 张照片",
  "report.photoTooLarge": "照片 {name} 超过 20 MB",
  "evidence.before": "处置前照片",
  "evidence.after": "处置后照片",
  "evidence.item": "现场证据（{kind}）",
};

export const fieldEn: Record<keyof typeof fieldZh, string> = {
  "report.photos": "Photos of the spot (one or more)",
  "report.photoCount": "{count} photo(s) chosen, sent with the report",
  "report.photosTooMany": "At most {max} photos a report",
  "report.photoTooLarge": "The photo {name} is larger than 20 MB",
  "evidence.before": "Evidence before handling",
  "evidence.after": "Evidence after handling",
  "evidence.item": "Evidence ({kind})",
};
