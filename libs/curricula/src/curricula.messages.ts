import { I18n } from '@lib/core';

/** Error codes of this lib as learners and teachers read them (the error page shows `errors.<code>`). */
I18n.register({
  vi: {
    'errors.CURRICULA_INVALID_CONTENT':
      'Nội dung bài học đang bị lỗi nên chưa thể mở. Hãy báo cho thầy cô hoặc quản trị viên.',
    'errors.CURRICULA_MODULE_NOT_FOUND': 'Không tìm thấy bài học này. Có thể đường liên kết đã cũ.',
    'errors.CURRICULA_PAGE_NOT_FOUND': 'Không tìm thấy trang này của bài học.',
    'errors.CURRICULA_CHECK_NOT_FOUND': 'Không tìm thấy bài kiểm tra nhanh của lứa tuổi này.',
    'errors.CURRICULA_INVALID_ANSWER':
      'Câu trả lời chưa hợp lệ. Em hãy xem lại câu hỏi và chọn lại nhé.',
    'errors.CURRICULA_ATTEMPT_NOT_FOUND':
      'Không tìm thấy lượt làm bài này. Em hãy mở lại bài học từ lớp học trực tuyến.',
    'errors.CURRICULA_ATTEMPT_CLOSED': 'Lượt làm bài này đã nộp nên không thể sửa câu trả lời nữa.',
    'errors.CURRICULA_NO_ATTEMPTS_LEFT':
      'Em đã dùng hết số lượt làm bài thầy cô cho phép. Điểm của em vẫn được lưu.',
    'errors.CURRICULA_MODULE_NOT_IN_LAUNCH':
      'Đường liên kết này mở một bài học khác. Em hãy quay lại lớp học trực tuyến và chọn đúng bài.',
    'errors.CURRICULA_NOT_ALLOWED': 'Bạn không có quyền mở trang này với vai trò hiện tại.',
  },
  en: {
    'errors.CURRICULA_INVALID_CONTENT':
      'This lesson cannot open because its content has a problem. Please tell your teacher or administrator.',
    'errors.CURRICULA_MODULE_NOT_FOUND': 'This lesson was not found. The link may be out of date.',
    'errors.CURRICULA_PAGE_NOT_FOUND': 'This page of the lesson was not found.',
    'errors.CURRICULA_CHECK_NOT_FOUND': 'There is no quick check for this age group.',
    'errors.CURRICULA_INVALID_ANSWER':
      'That answer does not fit the question. Please look at the question again and choose again.',
    'errors.CURRICULA_ATTEMPT_NOT_FOUND':
      'This attempt was not found. Please open the lesson again from your online class.',
    'errors.CURRICULA_ATTEMPT_CLOSED':
      'This attempt is already handed in, so its answers cannot change.',
    'errors.CURRICULA_NO_ATTEMPTS_LEFT':
      'You have used all the attempts your teacher allows. Your score is still saved.',
    'errors.CURRICULA_MODULE_NOT_IN_LAUNCH':
      'This link opens a different lesson. Please go back to your online class and choose the right one.',
    'errors.CURRICULA_NOT_ALLOWED': 'Your role does not allow you to open this page.',
  },
});
