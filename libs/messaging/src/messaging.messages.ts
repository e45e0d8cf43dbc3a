import { I18n } from '@lib/core';

/** Wording of e-mails, SMS, Zalo and error pages of the parent channel. */
I18n.register({
  vi: {
    'messaging.mail.threadFrom': 'Tin nhắn mới từ {name}',
    'messaging.mail.threadSubject': 'Tin nhắn của {name}: {subject}',
    'messaging.mail.reply': 'Đọc và trả lời',
    'messaging.mail.familyNoteSubject': 'Thư gửi gia đình: {title}',
    'messaging.mail.familyNoteIntro':
      'Lớp của con vừa học xong bài “{title}”. Dưới đây là vài gợi ý để cả nhà cùng trò chuyện.',
    'messaging.mail.progressSubject': 'Tuần này con đã học gì về an toàn trên mạng',
    'messaging.mail.progressIntro': 'Các bài con đã hoàn thành trong tuần bắt đầu ngày {week}:',
    'messaging.mail.passed': 'Đạt ({score}%)',
    'messaging.mail.tried': 'Đã làm bài ({score}%), cần ôn thêm',
    'messaging.mail.talkAbout': 'Cùng trò chuyện ở nhà:',
    'messaging.mail.digestSubject': 'Tóm tắt tin nhắn hôm nay từ nhà trường ({count})',
    'messaging.mail.magicSubject': 'Đường dẫn đăng nhập hộp thư phụ huynh SafeNest',
    'messaging.mail.magicIntro':
      'Bấm nút dưới đây để đăng nhập hộp thư phụ huynh. Đường dẫn dùng được một lần, trong {minutes} phút.',
    'messaging.mail.magicButton': 'Đăng nhập',
    'messaging.mail.magicIgnore':
      'Nếu bạn không yêu cầu đăng nhập, hãy bỏ qua thư này; tài khoản của bạn vẫn an toàn.',
    'messaging.sms.notice': '{school}: {title}. Xem: {link}',
    'messaging.sms.urgent': 'KHẨN - {school}: {title}. Xem: {link}',
    'messaging.sms.magic':
      'SafeNest: đăng nhập hộp thư phụ huynh: {link} (dùng 1 lần, {minutes} phút)',
    'messaging.sms.stopped':
      'SafeNest: bạn đã ngừng nhận tin nhắn SMS của nhà trường. Nhắn START để nhận lại.',
    'messaging.sms.started':
      'SafeNest: bạn sẽ nhận lại tin nhắn SMS của nhà trường. Nhắn STOP để ngừng.',
    'errors.INVITE_CODE_INVALID':
      'Mã mời không đúng, đã hết hạn hoặc đã dùng đủ số lần. Hãy kiểm tra lại hoặc xin mã mới từ giáo viên.',
    'errors.PARENT_NOT_FOUND': 'Không tìm thấy tài khoản phụ huynh.',
    'errors.PARENT_UNAUTHENTICATED': 'Hãy đăng nhập hộp thư phụ huynh để tiếp tục.',
    'errors.MAGIC_LINK_INVALID':
      'Đường dẫn đăng nhập không còn dùng được (đã dùng hoặc đã hết hạn). Hãy yêu cầu đường dẫn mới.',
    'errors.CONTACT_INVALID': 'Email hoặc số điện thoại không hợp lệ.',
    'errors.CONTACT_TAKEN': 'Thông tin liên hệ này đã thuộc về một tài khoản phụ huynh khác.',
    'errors.MESSAGE_NOT_FOUND': 'Không tìm thấy tin nhắn.',
    'errors.MESSAGE_EMPTY': 'Hãy nhập tiêu đề và nội dung (ít nhất một ngôn ngữ).',
    'errors.MESSAGE_NOT_EDITABLE': 'Tin nhắn này đã được gửi, không thể huỷ nữa.',
    'errors.AUDIENCE_INVALID': 'Hãy chọn người nhận hợp lệ (toàn trường, một khối hoặc một lớp).',
    'errors.THREAD_NOT_FOUND': 'Không tìm thấy cuộc trao đổi.',
    'errors.NOT_TEACHER': 'Chỉ giáo viên của lớp mới dùng được trang này.',
    'errors.CLASS_UNKNOWN': 'Không tìm thấy lớp học này.',
    'errors.STUDENT_NOT_IN_CLASS': 'Học sinh này không thuộc lớp của bạn.',
    'errors.IMPORT_NOT_FOUND': 'Không tìm thấy lần nhập dữ liệu này.',
    'errors.IMPORT_BAD_FILE': 'Không đọc được tệp. Hãy dùng tệp CSV (UTF-8) hoặc XLSX theo mẫu.',
    'errors.IMPORT_NOT_READY': 'Chỉ xác nhận được lần chạy thử không có lỗi.',
    'errors.SETTINGS_INVALID': 'Giờ yên lặng phải có dạng HH:MM.',
    'errors.WEBHOOK_FORBIDDEN': 'Không được phép.',
    'errors.CHANNEL_UNAVAILABLE': 'Kênh này chưa được cấu hình.',
    'errors.LTI_UNAVAILABLE': 'Chưa kết nối với hệ thống học tập (LMS).',
    'errors.CURRICULUM_UNAVAILABLE': 'Chưa tải được chương trình học.',
  },
  en: {
    'messaging.mail.threadFrom': 'New message from {name}',
    'messaging.mail.threadSubject': 'Message from {name}: {subject}',
    'messaging.mail.reply': 'Read and reply',
    'messaging.mail.familyNoteSubject': 'Family note: {title}',
    'messaging.mail.familyNoteIntro':
      'Your child’s class has just finished “{title}”. Here are a few ideas to talk about together at home.',
    'messaging.mail.progressSubject': 'What your child learned about staying safe online this week',
    'messaging.mail.progressIntro': 'Lessons finished in the week starting {week}:',
    'messaging.mail.passed': 'Passed ({score}%)',
    'messaging.mail.tried': 'Attempted ({score}%), worth going over again',
    'messaging.mail.talkAbout': 'Talk about it at home:',
    'messaging.mail.digestSubject': 'Today’s messages from school ({count})',
    'messaging.mail.magicSubject': 'Your SafeNest parent inbox sign-in link',
    'messaging.mail.magicIntro':
      'Use the button below to sign in to your parent inbox. The link works once, for {minutes} minutes.',
    'messaging.mail.magicButton': 'Sign in',
    'messaging.mail.magicIgnore':
      'If you did not ask to sign in, ignore this e-mail; your account stays safe.',
    'messaging.sms.notice': '{school}: {title}. Read: {link}',
    'messaging.sms.urgent': 'URGENT - {school}: {title}. Read: {link}',
    'messaging.sms.magic': 'SafeNest parent inbox sign-in: {link} (single use, {minutes} min)',
    'messaging.sms.stopped': 'SafeNest: you will no longer get school SMS. Reply START to resume.',
    'messaging.sms.started': 'SafeNest: school SMS are on again. Reply STOP to stop.',
    'errors.INVITE_CODE_INVALID':
      'This invite code is wrong, expired or used up. Check it or ask the teacher for a new one.',
    'errors.PARENT_NOT_FOUND': 'Parent account not found.',
    'errors.PARENT_UNAUTHENTICATED': 'Sign in to your parent inbox to continue.',
    'errors.MAGIC_LINK_INVALID':
      'This sign-in link can no longer be used (already used or expired). Ask for a new one.',
    'errors.CONTACT_INVALID': 'That e-mail address or phone number is not valid.',
    'errors.CONTACT_TAKEN': 'This contact already belongs to another parent account.',
    'errors.MESSAGE_NOT_FOUND': 'Message not found.',
    'errors.MESSAGE_EMPTY': 'Enter a subject and a text (in at least one language).',
    'errors.MESSAGE_NOT_EDITABLE': 'This message has been sent and can no longer be cancelled.',
    'errors.AUDIENCE_INVALID': 'Choose valid recipients (whole school, a grade or a class).',
    'errors.THREAD_NOT_FOUND': 'Conversation not found.',
    'errors.NOT_TEACHER': 'Only the class teacher can use this page.',
    'errors.CLASS_UNKNOWN': 'This class is not known.',
    'errors.STUDENT_NOT_IN_CLASS': 'This student is not in your class.',
    'errors.IMPORT_NOT_FOUND': 'Import not found.',
    'errors.IMPORT_BAD_FILE':
      'The file could not be read. Use a CSV (UTF-8) or XLSX file like the template.',
    'errors.IMPORT_NOT_READY': 'Only a dry run without problems can be confirmed.',
    'errors.SETTINGS_INVALID': 'Quiet hours must look like HH:MM.',
    'errors.WEBHOOK_FORBIDDEN': 'Forbidden.',
    'errors.CHANNEL_UNAVAILABLE': 'This channel is not configured.',
    'errors.LTI_UNAVAILABLE': 'The learning platform (LMS) is not connected.',
    'errors.CURRICULUM_UNAVAILABLE': 'The curriculum is not loaded.',
  },
});
