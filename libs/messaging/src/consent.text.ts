import type { ConsentPurpose } from './entities/parent.entities';

/**
 * The consent texts a parent agrees to (Law 91/2025: what, for which purpose, by whom). Their
 * version is stored with each consent; changing a text means a new version.
 */
export const CONSENT_TEXTS: Record<ConsentPurpose, { vi: string; en: string }> = {
  messages: {
    vi: 'Tôi đồng ý để nhà trường dùng thông tin liên hệ tôi cung cấp (email, số điện thoại, Zalo) để gửi cho tôi thông báo của trường, của lớp và tin nhắn của giáo viên về con tôi. Tôi có thể rút lại sự đồng ý bất cứ lúc nào; khi đó việc gửi tin dừng ngay.',
    en: "I agree that the school may use the contact details I give (e-mail, phone, Zalo) to send me school and class announcements and my child's teacher's messages. I can withdraw this at any time; sending then stops at once.",
  },
  progress: {
    vi: 'Tôi đồng ý nhận bản tin hằng tuần về việc học an toàn trên mạng của con (bài đã học, kết quả, gợi ý trò chuyện ở nhà). Bản tin được lập từ kết quả học của con trên hệ thống của trường.',
    en: "I agree to receive a weekly digest of my child's online-safety learning (lessons done, results, what to talk about at home), prepared from my child's results in the school's system.",
  },
};

export const CONSENT_PURPOSES: ConsentPurpose[] = ['messages', 'progress'];
