from django.http import HttpResponse


def home(request):
    return HttpResponse("motcua")


def search(request):
    return HttpResponse("search")


def procedure(request, code):
    return HttpResponse(code)


def not_found(request, exception=None):
    return HttpResponse("Không tìm thấy trang", status=404)


def server_error(request):
    return HttpResponse("Lỗi hệ thống", status=500)
