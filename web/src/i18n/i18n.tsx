import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en';
import { zh } from './zh';

// Every visible string goes through `t`. The two dictionaries share one key type, so a key missing
// from either fails the type check rather than showing a raw key to a user.

export type Lang = 'en' | 'zh';
export const languages: readonly Lang[] = ['en', 'zh'];
const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, zh };
const storageKey = 'wattledger.lang';

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const stored = window.localStorage.getItem(storageKey);
  if (stored === 'en' || stored === 'zh') return stored;
  return window.navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = dictionaries[lang]['app.title'];
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    window.localStorage.setItem(storageKey, next);
    setLangState(next);
  }, []);
  const t = useCallback<Translate>(
    (key, values) => {
      const text = dictionaries[lang][key] ?? key;
      if (values === undefined) return text;
      return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
        name in values ? String(values[name]) : whole,
      );
    },
    [lang],
  );
  return <I18nContext.Provider value={{ lang, setLang, t }}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (i18n === null) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
