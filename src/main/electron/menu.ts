/** A minimal application menu: quit, editing (copy/paste must work in text fields), view, window. */
import { Menu, type MenuItemConstructorOptions } from 'electron';

export function menuTemplate(opts: { isMac: boolean; isDev: boolean; appName: string }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (opts.isDev) view.unshift({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' });

  const template: MenuItemConstructorOptions[] = [];
  if (opts.isMac) {
    template.push({
      label: opts.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  } else {
    template.push({ role: 'fileMenu', submenu: [{ role: 'quit' }] });
  }
  template.push(
    {
      role: 'editMenu',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  );
  return template;
}

export function installMenu(opts: { isDev: boolean; appName: string }): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ ...opts, isMac: process.platform === 'darwin' })));
}
