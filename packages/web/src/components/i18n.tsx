// Interface language: English by default, Russian selectable; the choice is kept in localStorage.
// Messages are plain dictionaries keyed by dotted names; pages may add their own with
// addMessages() at module load. t(key, vars) fills `{name}` placeholders and falls back to
// English, then to the key itself.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { PARAMETER_DEFS } from '@flowport/protocol';
import type { Locale } from 'antd/es/locale';
import enUS from 'antd/locale/en_US';
import ruRU from 'antd/locale/ru_RU';

export const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'ru', label: 'Русский' },
] as const;
export type Language = (typeof LANGUAGES)[number]['value'];

export type Messages = Record<string, string>;
export type TranslateVars = Record<string, string | number>;
export type Translate = (key: string, vars?: TranslateVars) => string;

const STORAGE_KEY = 'flowport.language';

const parameterHelpEn: Messages = Object.fromEntries(PARAMETER_DEFS.map((d) => [`param.${d.key}.help`, d.help]));

const en: Messages = {
  'app.name': 'Flowport',
  'app.loading': 'Loading…',
  'app.notFound': 'This page does not exist.',
  'app.toHome': 'Go to the start page',
  'app.error': 'Something went wrong',
  'app.sessionEnded': 'Your login has ended; please log in again.',
  'nav.main': 'Main navigation',
  'nav.studio': 'Studio',
  'nav.manager': 'Session Manager',
  'nav.admin': 'Administration',
  'shell.language': 'Language',
  'shell.user': 'Logged in as {name}',
  'shell.logout': 'Log out',
  'access.title': 'No access',
  'access.text': 'Your roles do not allow this page. Ask an administrator for the role it needs.',
  'access.needs': 'Needs the role: {roles}',
  'common.cancel': 'Cancel',
  'common.save': 'Save',
  'common.reset': 'Reset',
  'common.reload': 'Reload',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.never': 'never',
  'login.title': 'Log in to Flowport',
  'login.subtitle': 'A server for analytic workflow packages',
  'login.username': 'User name',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.usernameRequired': 'Enter your user name',
  'login.passwordRequired': 'Enter your password',
  'login.failed': 'Login failed',
  'role.admin': 'Administration',
  'role.design': 'Workflow design',
  'role.view': 'Report viewing',
  'role.batch': 'Batch execution',
  'studio.title': 'Studio',
  'studio.coming': 'The Studio page is coming.',
  'manager.title': 'Session Manager',
  'manager.coming': 'The Session Manager page is coming.',
  'admin.title': 'Administration',
  'admin.params.title': 'Server parameters',
  'admin.params.saved': 'Parameters saved',
  'admin.params.noChanges': 'Nothing to save: no parameter was changed',
  'admin.params.invalid': 'Some values are not valid; see the fields',
  'admin.params.required': 'Enter a value',
  'admin.params.loadFailed': 'The parameters cannot be loaded',
  'param.packagePoolSize.label': 'Package pool size',
  'param.connectionCheckPeriodSeconds.label': 'Connection check period',
  'param.executionHistoryLimit.label': 'Execution history size',
  'param.serverStopTimeoutSeconds.label': 'Server stop timeout',
  'param.loginAttemptLimit.label': 'Login attempt limit',
  'param.loginLockoutSeconds.label': 'Login lockout time',
  'param.logLevel.label': 'Log level',
  'param.integratorBodyLimitBytes.label': 'Integrator body limit',
  'param.integratorTimeoutSeconds.label': 'Integrator timeout',
  'param.engineThreads.label': 'Engine threads per package',
  'param.poolEngineThreads.label': 'Engine threads per pooled package',
  'param.memoryBudgetMB.label': 'Memory budget of package instances',
  'param.userSessionLimit.label': 'Sessions per user',
  'param.adminSessionLimit.label': 'Sessions per administrator',
  'param.sessionPackageLimit.label': 'Packages per session',
  'param.adminSessionPackageLimit.label': 'Packages per administrator session',
  'param.runningWarnSeconds.label': 'Long-running warning',
  'param.runningAlertSeconds.label': 'Long-running alert',
  'param.runningLimitSeconds.label': 'Running time limit',
  'param.studioIdleTimeoutSeconds.label': 'Studio idle timeout',
  'param.range': 'From {min} to {max}',
  'param.default': 'default {value}',
  'unit.s': 's',
  'unit.bytes': 'bytes',
  'unit.MB': 'MB',
  ...parameterHelpEn,
  'admin.users.title': 'Users',
  'admin.users.table': 'Users',
  'admin.users.add': 'Add user',
  'admin.users.name': 'Name',
  'admin.users.roles': 'Roles',
  'admin.users.status': 'Status',
  'admin.users.blocked': 'Blocked',
  'admin.users.active': 'Active',
  'admin.users.created': 'Created',
  'admin.users.lastLogin': 'Last login',
  'admin.users.actions': 'Actions',
  'admin.users.noRoles': 'no role',
  'admin.users.you': 'you',
  'admin.users.editRoles': 'Edit roles',
  'admin.users.editRolesOf': 'Edit roles of {name}',
  'admin.users.block': 'Block',
  'admin.users.blockUser': 'Block {name}',
  'admin.users.unblock': 'Unblock',
  'admin.users.unblockUser': 'Unblock {name}',
  'admin.users.resetPassword': 'Reset password',
  'admin.users.resetPasswordOf': 'Reset password of {name}',
  'admin.users.remove': 'Remove',
  'admin.users.removeUser': 'Remove {name}',
  'admin.users.removeConfirm': 'Remove user {name}? This cannot be undone.',
  'admin.users.notYourself': 'You cannot do this to your own account',
  'admin.users.userName': 'User name',
  'admin.users.password': 'Password',
  'admin.users.newPassword': 'New password',
  'admin.users.rolesHelp': 'A user with no role cannot log in.',
  'admin.users.nameRequired': 'Enter a user name',
  'admin.users.passwordRequired': 'Enter a password',
  'admin.users.addTitle': 'Add user',
  'admin.users.addOk': 'Add',
  'admin.users.rolesTitle': 'Roles of {name}',
  'admin.users.passwordTitle': 'New password for {name}',
  'admin.users.passwordOk': 'Set password',
  'admin.users.added': 'User {name} added',
  'admin.users.rolesSaved': 'Roles of {name} saved',
  'admin.users.blockedDone': '{name} is blocked',
  'admin.users.unblockedDone': '{name} is unblocked',
  'admin.users.passwordDone': 'Password of {name} changed',
  'admin.users.removed': 'User {name} removed',
  'admin.users.loadFailed': 'The users cannot be loaded',
};

const ru: Messages = {
  'app.name': 'Flowport',
  'app.loading': 'Загрузка…',
  'app.notFound': 'Такой страницы нет.',
  'app.toHome': 'На начальную страницу',
  'app.error': 'Что-то пошло не так',
  'app.sessionEnded': 'Сеанс входа завершён; войдите снова.',
  'nav.main': 'Главное меню',
  'nav.studio': 'Студия',
  'nav.manager': 'Диспетчер',
  'nav.admin': 'Администрирование',
  'shell.language': 'Язык',
  'shell.user': 'Вы вошли как {name}',
  'shell.logout': 'Выйти',
  'access.title': 'Нет доступа',
  'access.text': 'Ваши роли не дают доступа к этой странице. Попросите администратора выдать нужную роль.',
  'access.needs': 'Нужна роль: {roles}',
  'common.cancel': 'Отмена',
  'common.save': 'Сохранить',
  'common.reset': 'Сбросить',
  'common.reload': 'Обновить',
  'common.yes': 'Да',
  'common.no': 'Нет',
  'common.never': 'никогда',
  'login.title': 'Вход в Flowport',
  'login.subtitle': 'Сервер пакетов аналитических сценариев',
  'login.username': 'Имя пользователя',
  'login.password': 'Пароль',
  'login.submit': 'Войти',
  'login.usernameRequired': 'Введите имя пользователя',
  'login.passwordRequired': 'Введите пароль',
  'login.failed': 'Войти не удалось',
  'role.admin': 'Администрирование',
  'role.design': 'Проектирование сценариев',
  'role.view': 'Просмотр отчётов',
  'role.batch': 'Пакетное выполнение',
  'studio.title': 'Студия',
  'studio.coming': 'Страница Студии скоро появится.',
  'manager.title': 'Диспетчер',
  'manager.coming': 'Страница Менеджера сессий скоро появится.',
  'admin.title': 'Администрирование',
  'admin.params.title': 'Параметры сервера',
  'admin.params.saved': 'Параметры сохранены',
  'admin.params.noChanges': 'Сохранять нечего: параметры не изменены',
  'admin.params.invalid': 'Некоторые значения неверны; см. поля',
  'admin.params.required': 'Введите значение',
  'admin.params.loadFailed': 'Не удалось загрузить параметры',
  'param.packagePoolSize.label': 'Размер пула пакетов',
  'param.connectionCheckPeriodSeconds.label': 'Период проверки соединений',
  'param.executionHistoryLimit.label': 'Размер истории выполнений',
  'param.serverStopTimeoutSeconds.label': 'Тайм-аут остановки сервера',
  'param.loginAttemptLimit.label': 'Число попыток входа',
  'param.loginLockoutSeconds.label': 'Время блокировки входа',
  'param.logLevel.label': 'Уровень журнала',
  'param.integratorBodyLimitBytes.label': 'Наибольший размер запроса Integrator',
  'param.integratorTimeoutSeconds.label': 'Тайм-аут вызова Integrator',
  'param.engineThreads.label': 'Потоков движка на пакет',
  'param.poolEngineThreads.label': 'Потоков движка на пакет в пуле',
  'param.memoryBudgetMB.label': 'Бюджет памяти экземпляров пакетов',
  'param.userSessionLimit.label': 'Сеансов на пользователя',
  'param.adminSessionLimit.label': 'Сеансов на администратора',
  'param.sessionPackageLimit.label': 'Пакетов в сеансе',
  'param.adminSessionPackageLimit.label': 'Пакетов в сеансе администратора',
  'param.runningWarnSeconds.label': 'Предупреждение о долгом выполнении',
  'param.runningAlertSeconds.label': 'Тревога о долгом выполнении',
  'param.runningLimitSeconds.label': 'Предельное время выполнения',
  'param.studioIdleTimeoutSeconds.label': 'Тайм-аут бездействия Studio',
  'param.packagePoolSize.help':
    'Сколько экземпляров пакетов держать загруженными в пуле для Integrator и BatchLauncher',
  'param.executionHistoryLimit.help':
    'Сколько завершённых выполнений хранит история выполнений (старые удаляются первыми); 0 — не хранить',
  'param.connectionCheckPeriodSeconds.help':
    'Как часто проверяются соединения клиентов; сессия отключившегося клиента закрывается',
  'param.serverStopTimeoutSeconds.help': 'Наибольшее время корректной остановки сервера',
  'param.loginAttemptLimit.help':
    'Сколько неудачных попыток входа допускается для учётной записи и для клиента до блокировки',
  'param.loginLockoutSeconds.help': 'Сколько длится блокировка входа',
  'param.logLevel.help': 'Наименее важный уровень сообщений, который пишется в журнал',
  'param.integratorBodyLimitBytes.help': 'Наибольший размер тела запроса к Integrator',
  'param.integratorTimeoutSeconds.help': 'Наибольшее время выполнения вызова Integrator',
  'param.engineThreads.help':
    'Потоков DuckDB у каждого экземпляра пакета, открытого в Studio (и у пакетов, на которые ссылаются), ' +
    'загруженного после изменения; больше ускоряет большие запросы',
  'param.poolEngineThreads.help':
    'Потоков DuckDB у каждого экземпляра пакета в пуле (вызовы Integrator и пакетные запуски, которые и так идут ' +
    'параллельно), загруженного после изменения (пул очищается); 1 избавляет DuckDB от пробуждения второго ' +
    'потока на каждый запрос, больше ускоряет один большой вызов',
  'param.memoryBudgetMB.help':
    'Память, которую все экземпляры пакетов могут занимать вместе; 0 — половина памяти машины (или её контейнера). ' +
    'Каждый экземпляр, загруженный после изменения, может занять в DuckDB четверть бюджета (пул очищается); ' +
    'при превышении бюджета сервер останавливает выполнение, которое его превысило',
  'param.userSessionLimit.help':
    'Сколько сеансов Studio (вкладок браузера) может быть открыто одновременно у пользователя, не являющегося администратором',
  'param.adminSessionLimit.help': 'Сколько сеансов Studio может быть открыто одновременно у администратора',
  'param.sessionPackageLimit.help':
    'Сколько пакетов может быть открыто одновременно в одном сеансе Studio пользователя, не являющегося администратором',
  'param.adminSessionPackageLimit.help':
    'Сколько пакетов может быть открыто одновременно в одном сеансе Studio администратора',
  'param.runningWarnSeconds.help': 'Строка Менеджера сеансов, выполняющаяся дольше, становится жёлтой',
  'param.runningAlertSeconds.help': 'Строка Менеджера сеансов, выполняющаяся дольше, становится красной',
  'param.runningLimitSeconds.help':
    'Сервер останавливает любое выполнение, идущее дольше (в журнале аудита — остановлено сервером); 0 — выключено',
  'param.studioIdleTimeoutSeconds.help':
    'Сервер закрывает сеансы Studio без активности дольше этого времени, сначала сохранив несохранённые ' +
    'изменения в резервную копию (в журнале аудита — закрыто сервером); 0 — выключено',
  'param.range': 'От {min} до {max}',
  'param.default': 'по умолчанию {value}',
  'unit.s': 'с',
  'unit.bytes': 'байт',
  'unit.MB': 'МБ',
  'admin.users.title': 'Пользователи',
  'admin.users.table': 'Пользователи',
  'admin.users.add': 'Добавить пользователя',
  'admin.users.name': 'Имя',
  'admin.users.roles': 'Роли',
  'admin.users.status': 'Состояние',
  'admin.users.blocked': 'Заблокирован',
  'admin.users.active': 'Активен',
  'admin.users.created': 'Создан',
  'admin.users.lastLogin': 'Последний вход',
  'admin.users.actions': 'Действия',
  'admin.users.noRoles': 'нет ролей',
  'admin.users.you': 'вы',
  'admin.users.editRoles': 'Изменить роли',
  'admin.users.editRolesOf': 'Изменить роли {name}',
  'admin.users.block': 'Заблокировать',
  'admin.users.blockUser': 'Заблокировать {name}',
  'admin.users.unblock': 'Разблокировать',
  'admin.users.unblockUser': 'Разблокировать {name}',
  'admin.users.resetPassword': 'Сменить пароль',
  'admin.users.resetPasswordOf': 'Сменить пароль {name}',
  'admin.users.remove': 'Удалить',
  'admin.users.removeUser': 'Удалить {name}',
  'admin.users.removeConfirm': 'Удалить пользователя {name}? Это нельзя отменить.',
  'admin.users.notYourself': 'Это нельзя сделать со своей учётной записью',
  'admin.users.userName': 'Имя пользователя',
  'admin.users.password': 'Пароль',
  'admin.users.newPassword': 'Новый пароль',
  'admin.users.rolesHelp': 'Пользователь без ролей не может войти.',
  'admin.users.nameRequired': 'Введите имя пользователя',
  'admin.users.passwordRequired': 'Введите пароль',
  'admin.users.addTitle': 'Новый пользователь',
  'admin.users.addOk': 'Добавить',
  'admin.users.rolesTitle': 'Роли пользователя {name}',
  'admin.users.passwordTitle': 'Новый пароль пользователя {name}',
  'admin.users.passwordOk': 'Сменить пароль',
  'admin.users.added': 'Пользователь {name} добавлен',
  'admin.users.rolesSaved': 'Роли пользователя {name} сохранены',
  'admin.users.blockedDone': 'Пользователь {name} заблокирован',
  'admin.users.unblockedDone': 'Пользователь {name} разблокирован',
  'admin.users.passwordDone': 'Пароль пользователя {name} изменён',
  'admin.users.removed': 'Пользователь {name} удалён',
  'admin.users.loadFailed': 'Не удалось загрузить пользователей',
};

const dictionaries: Record<Language, Messages> = { en, ru };

/** Adds (or overrides) messages of one language; call at module load of a page. */
export function addMessages(language: Language, messages: Messages): void {
  Object.assign(dictionaries[language], messages);
}

export function translate(language: Language, key: string, vars?: TranslateVars): string {
  const text = dictionaries[language][key] ?? dictionaries.en[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((l) => l.value === value);
}

function storedLanguage(): Language {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(value)) return value;
  } catch {
    // storage disabled: use the default
  }
  return 'en';
}

const ANTD_LOCALES: Record<Language, Locale> = { en: enUS, ru: ruRU };

interface I18nValue {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
  /** The antd locale of the language, for ConfigProvider. */
  antdLocale: Locale;
  /** BCP 47 tag for Intl formatting. */
  locale: string;
}

const I18nContext = createContext<I18nValue>({
  language: 'en',
  setLanguage: () => {},
  t: (key, vars) => translate('en', key, vars),
  antdLocale: enUS,
  locale: 'en-GB',
});

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(storedLanguage);

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // storage disabled: the choice lasts until reload
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const value = useMemo<I18nValue>(
    () => ({
      language,
      setLanguage,
      t: (key, vars) => translate(language, key, vars),
      antdLocale: ANTD_LOCALES[language],
      locale: language === 'ru' ? 'ru-RU' : 'en-GB',
    }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  return useContext(I18nContext);
}

/** The translate function of the current language. */
export function useT(): Translate {
  return useContext(I18nContext).t;
}

/** Formats an ISO time for tables: date and time to the minute in the current language. */
export function useFormatTime(): (iso: string | null | undefined, fallback?: string) => string {
  const { locale } = useI18n();
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return (iso, fallback = '—') => {
      if (!iso) return fallback;
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : format.format(d);
    };
  }, [locale]);
}
