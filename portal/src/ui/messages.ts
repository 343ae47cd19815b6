// Messages of the shared parts of pages, spread into the catalogues (zh-CN first).
export const uiZh = {
  "countdown.left": "剩 {days} 个工作日",
  "countdown.today": "今日到期",
  "countdown.past": "已超期 {days} 个工作日",
};

export const uiEn: Record<keyof typeof uiZh, string> = {
  "countdown.left": "{days} working day(s) left",
  "countdown.today": "Due today",
  "countdown.past": "{days} working day(s) overdue",
};
