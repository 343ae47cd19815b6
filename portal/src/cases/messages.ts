// The case workbench's saved-view messages, spread into the catalogues (zh-CN first).
export const caseViewsZh = {
  "cases.views": "我的视图",
  "cases.views.none": "还没有保存的视图。",
  "cases.views.name": "视图名称",
  "cases.views.save": "保存当前筛选",
  "cases.views.apply": "应用视图：{name}",
  "cases.views.delete": "删除",
  "cases.views.deleteNamed": "删除视图：{name}",
  "cases.views.saved": "已保存视图“{name}”。",
  "cases.views.deleted": "已删除视图“{name}”。",
  "cases.views.required": "请填写视图名称。",
  "cases.views.tooLong": "视图名称不能超过 {max} 个字。",
  "cases.views.taken": "已有同名视图，请换一个名称。",
  "cases.views.unavailable": "浏览器无法保存视图（存储已满或被禁用）。",
} as const;

export const caseViewsEn: Record<keyof typeof caseViewsZh, string> = {
  "cases.views": "My views",
  "cases.views.none": "No saved views yet.",
  "cases.views.name": "View name",
  "cases.views.save": "Save current filters",
  "cases.views.apply": "Apply view: {name}",
  "cases.views.delete": "Delete",
  "cases.views.deleteNamed": "Delete view: {name}",
  "cases.views.saved": "View “{name}” saved.",
  "cases.views.deleted": "View “{name}” deleted.",
  "cases.views.required": "Enter a name for the view.",
  "cases.views.tooLong": "A view name has at most {max} characters.",
  "cases.views.taken": "You already have a view with this name; choose another.",
  "cases.views.unavailable": "The browser cannot store the view (storage full or disabled).",
};
